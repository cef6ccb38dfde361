package npy

// Programmer misuse — a nil reader or writer, a method called on a zero
// value instead of one from a constructor — panics with an "npy:" message
// naming the method, as everywhere in the module, rather than with a nil
// dereference deep in bufio or a misleading error (a zero Writer used to
// report a shape mismatch against shape ()).

func checkNilIO(fn string, v any, what string) {
	if v == nil {
		panic("npy: " + fn + ": nil " + what)
	}
}

func (w *Writer) made(method string) {
	if w.bw == nil {
		panic("npy: Writer." + method + ": zero-value Writer (use Create, NewWriter or NPZWriter.Create)")
	}
}

func (r *Reader) made(method string) {
	if r.br == nil {
		panic("npy: Reader." + method + ": zero-value Reader (use Open, NewReader or NPZReader.Open)")
	}
}

func (z *NPZWriter) made(method string) {
	if z.zw == nil {
		panic("npy: NPZWriter." + method + ": zero-value NPZWriter (use CreateNPZ or NewNPZWriter)")
	}
}

func (z *NPZReader) made(method string) {
	if z.zr == nil {
		panic("npy: NPZReader." + method + ": zero-value NPZReader (use OpenNPZ or NewNPZReader)")
	}
}
