package npy

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxStringBytes bounds the data of a string array ReadString accepts: it
// reads short labels (a sparse matrix's format name), not text corpora.
const maxStringBytes = 1 << 20

// ReadString reads the array name, a 0-d or one-element array of NumPy
// bytes ('S', "|S3") or unicode ('U', "<U3") type, and returns its text
// with NumPy's trailing NUL padding removed. That is what np.savez stores
// for a Python bytes or str value, such as the "format" entry of
// scipy.sparse.save_npz. Bytes are returned as they are; unicode (UTF-32)
// is converted to UTF-8. Other types, more than one element, data over
// 1 MiB or invalid code points are errors (ErrDType, ErrShape, ErrFormat).
func (z *NPZReader) ReadString(name string) (string, error) {
	z.made("ReadString")
	f, err := z.lookup(name)
	if err != nil {
		return "", err
	}
	rc, err := f.Open()
	if err != nil {
		return "", &Error{Path: z.path, Key: name, Err: fmt.Errorf("%w: member %q: %v", ErrFormat, f.Name, err)}
	}
	defer rc.Close()
	s, err := readString(bufio.NewReader(zipErrReader{rc}))
	return s, wrap(z.path, name, err)
}

// readString decodes one .npy stream holding a 0-d or one-element string
// array.
func readString(r io.Reader) (string, error) {
	h, _, err := readHeader(r)
	if err != nil {
		return "", err
	}
	descr := string(h.DType)
	big := false
	switch {
	case strings.HasPrefix(descr, ">"):
		big = true
		descr = descr[1:]
	case strings.HasPrefix(descr, "<"), strings.HasPrefix(descr, "|"), strings.HasPrefix(descr, "="):
		descr = descr[1:]
	}
	if descr == "" || (descr[0] != 'S' && descr[0] != 'U' && descr[0] != 'a') {
		return "", fmt.Errorf("%w: %q is not a string array (want a NumPy bytes 'S' or unicode 'U' type)", ErrDType, string(h.DType))
	}
	size, err := strconv.Atoi(descr[1:])
	if err != nil || size < 0 {
		return "", fmt.Errorf("%w: bad descr %q", ErrFormat, string(h.DType))
	}
	n, _ := shapeLen(h.Shape)
	if n != 1 {
		return "", fmt.Errorf("%w: string array of shape %s, want one element", ErrShape, FormatShape(h.Shape))
	}
	width := size
	if descr[0] == 'U' {
		// Compare before multiplying: 4*size can overflow int.
		if size > maxStringBytes/4 {
			return "", fmt.Errorf("%w: string of %d characters exceeds the limit of %d bytes", ErrFormat, size, maxStringBytes)
		}
		width = 4 * size
	}
	if width > maxStringBytes {
		return "", fmt.Errorf("%w: string of %d bytes exceeds the limit of %d", ErrFormat, width, maxStringBytes)
	}
	buf := make([]byte, width)
	if k, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return "", fmt.Errorf("%w: truncated string data (%d of %d bytes)", ErrFormat, k, width)
		}
		return "", err
	}
	// Read to the end of the stream: for an archive member that is where
	// archive/zip reports a CRC mismatch or a truncated deflate stream.
	var extra [1]byte
	switch k, err := io.ReadFull(r, extra[:]); {
	case k > 0:
		return "", fmt.Errorf("%w: trailing bytes after the string data", ErrFormat)
	case err != io.EOF:
		return "", err
	}
	if descr[0] != 'U' {
		return strings.TrimRight(string(buf), "\x00"), nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	var sb strings.Builder
	for i := 0; i < width; i += 4 {
		c := order.Uint32(buf[i:])
		if c == 0 {
			// NumPy pads with NULs; a NUL ends the text.
			break
		}
		if c > utf8.MaxRune || (c >= 0xD800 && c <= 0xDFFF) {
			return "", fmt.Errorf("%w: invalid code point U+%X in unicode string", ErrFormat, c)
		}
		sb.WriteRune(rune(c))
	}
	return sb.String(), nil
}

// WriteString adds name as a 0-d NumPy bytes array ("|S<len>") holding s,
// what np.savez(f, name=s.encode()) writes; np.load gives it back with
// .item() as bytes, and scipy.sparse.load_npz reads its "format" entry
// this way. An empty s is stored as "|S1" holding one NUL, as NumPy
// stores b"". s must not end in NUL bytes (NumPy strips them).
func (z *NPZWriter) WriteString(name, s string) error {
	z.made("WriteString")
	if err := z.usable(name); err != nil {
		return err
	}
	if strings.HasSuffix(s, "\x00") {
		return wrap(z.path, name, fmt.Errorf("%w: string ends in a NUL byte, which NumPy strips", ErrRange))
	}
	data := []byte(s)
	if len(data) == 0 {
		data = []byte{0}
	}
	method := zip.Store
	if z.Compress {
		method = zip.Deflate
	}
	ew, err := z.zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method, Modified: zipEpoch})
	if err != nil {
		z.err = wrap(z.path, name, err)
		return z.err
	}
	z.names[name] = true
	hdr := encodeHeaderDescr(Header{}, "|S"+strconv.Itoa(len(data)))
	if _, err := ew.Write(append(hdr, data...)); err != nil {
		z.err = wrap(z.path, name, err)
		return z.err
	}
	return nil
}
