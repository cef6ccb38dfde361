// Package npy reads and writes NumPy .npy and .npz files, so that vectors,
// dense matrices and N-d arrays move between subspace and NumPy, SciPy,
// PyTorch or JAX without conversion scripts.
//
// # Format
//
// The .npy format follows NEP 1 ("A Simple File Format for NumPy Arrays")
// and the format documentation of numpy.lib.format: the magic string
// "\x93NUMPY", a major and minor version byte, a little-endian header length
// (2 bytes in version 1.0, 4 in 2.0 and 3.0), a Python dict literal with the
// keys 'descr', 'fortran_order' and 'shape', padding, and the raw elements.
// An .npz archive is a zip file with one "<name>.npy" member per array
// (stored by np.savez, deflated by np.savez_compressed).
//
// # API
//
//   - One-shot reads: ReadVector, ReadDense, ReadArray, ReadInt64Array,
//     ReadNPZ; ReadOptions holds the one option (AllowNonFinite).
//   - One-shot writes: WriteVector, WriteDense, WriteArray, WriteInt64Array.
//   - Archives: CreateNPZ/NewNPZWriter (WriteFloat64, WriteInt64,
//     WriteString, Create, Close) and OpenNPZ/NewNPZReader (Names, Header,
//     ReadFloat64, ReadInt64, ReadString, Open). ReadString and WriteString
//     handle the one-element bytes/str arrays np.savez makes of a Python
//     string (scipy.sparse.save_npz's "format"); package sparse builds its
//     SciPy sparse .npz reader and writer on them.
//   - Streaming, for arrays larger than memory: Open/NewReader give a Reader
//     (ReadFloat64, ReadInt64, ReadInt32 in storage order); Create/NewWriter
//     give a Writer (WriteFloat64, WriteInt64, WriteInt32, Close).
//
// # Choices
//
//   - Types read: float16/32/64, int8–64, uint8–64 and bool, in either byte
//     order, converted to float64 (or int64 for integer arrays) exactly. A
//     64-bit integer with no exact float64 value is an error (ErrRange), not
//     silently rounded. Complex, object, string, structured, datetime and
//     long-double arrays are refused (ErrDType) with a hint on the NumPy
//     conversion to apply.
//   - Types written: float64 and int64 by the one-shot functions; float32
//     and the other integer widths through Create/NewWriter/NPZWriter.Create.
//     A value outside the target type's range (a float64 overflowing
//     float32; a non-integral or out-of-range value for an integer type) is
//     an error (ErrRange); float32 rounds values inside its range to the
//     nearest float32, as NumPy's astype does.
//   - Order: C and Fortran files are read; results are always row-major
//     (Fortran data is transposed in O(n), blocked for 2-d). Writes are C
//     order unless a streaming Header asks for Fortran.
//   - NaN/Inf: refused on read by default (ErrNonFinite, naming the element),
//     since a solver never wants them; ReadOptions.AllowNonFinite accepts
//     them. Writes store them as they are.
//   - Shapes: ReadVector accepts (n,), (n, 1) and (1, n); ReadDense wants a
//     2-d array with no zero dimension (gonum cannot hold an empty matrix);
//     a 1-d array is refused rather than guessed to be a row or a column.
//   - Strictness: the header must be exactly what NumPy accepts (the three
//     keys and nothing else, a tuple shape of non-negative integers, format
//     1.0, 2.0 or 3.0). Data shorter or longer than the shape says is an error
//     (NumPy ignores trailing bytes; we refuse them, as they mean the file is
//     not what its header claims). Headers over 1 MiB, more than 64
//     dimensions and shapes whose byte count overflows are refused before
//     anything is allocated; when the stream size is not known in advance
//     (a deflated .npz member), memory grows with the data actually read.
//   - Speed: float64/int64 data in the host's byte order (the common case)
//     moves straight between the file and the caller's slice through a byte
//     view of the slice (package unsafe, no copy); other types convert
//     through a 64 KiB buffer. The NaN/Inf scan runs on each 1 MiB chunk
//     as it arrives, on a second goroutine one chunk behind the reads for
//     arrays over 4 MiB, so that it adds nothing to the read time.
//     Deflated .npz members are inflated by github.com/klauspost/compress
//     (pure Go, about twice as fast as compress/flate); they are written
//     by compress/flate, whose files are within about 10% of NumPy's size.
//     bench/npy compares with np.save/np.load.
//   - Headers are written byte for byte as NumPy 1.24's np.save writes them
//     (sorted keys, spare room for the growing axis, data aligned to 64
//     bytes, version 1.0), so files can be compared with NumPy's output.
//   - File writes are atomic: data goes to a temporary file in the target's
//     directory, which is synced and renamed over the target only when
//     complete (new files get 0666 less the umask, as os.Create gives; a
//     replaced file keeps its mode).
//     The directory itself is not synced. .npz member timestamps are fixed
//     at 1980-01-01 so the same arrays give the same bytes.
//   - Before streaming to a regular file (NewWriter on an *os.File, the
//     atomic writers' temporary files, stored .npz members) the writer
//     reserves the array's bytes with fallocate on Linux, as NumPy does; on
//     ext4 that makes overwriting a large file about 4× faster. The file's
//     length is not changed by the reservation.
//   - Errors: every data- or file-dependent failure is an *Error naming the
//     file (and the array inside an .npz) and wrapping one of ErrFormat,
//     ErrDType, ErrShape, ErrNonFinite, ErrRange, ErrNotFound or an I/O
//     error. A shape that does not match the data handed to a write function
//     is a programming error and panics.
//
// # Why not codeberg.org/sbinet/npyio directly
//
// npyio v0.14.0's reader cannot be used on files
// users hand us: a header without a newline, or with a malformed dict, makes
// it panic (slice bounds out of range); a header declaring a huge shape
// makes it allocate that many elements up front, which kills the process
// with an unrecoverable out-of-memory error; a negative dimension is
// accepted silently; it does not convert between element types (a float32
// file cannot be read as float64), honours Fortran order only when reading
// into a mat.Dense, and issues one Read call per element. Its writer does not
// align the data as NumPy does (a 3-vector gets a 76-byte header where NumPy
// writes 128), writes C order only, always uses format 2.0, and its .npz
// writer always deflates. The
// format is small, so this package implements it with the standard library
// (encoding/binary, archive/zip) and keeps npyio as an independent
// implementation in the tests: each library must read the other's files.
package npy
