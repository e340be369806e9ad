package serialize

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

var npyMagic = []byte("\x93NUMPY")

// EncodeNPY writes t in NumPy's .npy format (version 1.0, C order, little-endian): float32
// as <f4, float64 as <f8, int64 as <i8, bool as |b1.
func EncodeNPY(w io.Writer, t *tensor.Tensor) error {
	descr := map[tensor.DType]string{tensor.Float32: "<f4", tensor.Float64: "<f8", tensor.Int64: "<i8", tensor.Bool: "|b1"}[t.DType()]
	shape := make([]string, t.Dim())
	for i, d := range t.Shape() {
		shape[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(shape, ", ")
	if t.Dim() == 1 {
		tuple += ","
	}
	tuple += ")"
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	total := len(npyMagic) + 2 + 2 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	var b bytes.Buffer
	b.Write(npyMagic)
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	switch t.DType() {
	case tensor.Float32:
		for _, v := range t.Float32s() {
			binary.Write(&b, binary.LittleEndian, v)
		}
	case tensor.Float64:
		for _, v := range t.Float64s() {
			binary.Write(&b, binary.LittleEndian, v)
		}
	case tensor.Int64:
		for _, v := range t.Int64s() {
			binary.Write(&b, binary.LittleEndian, v)
		}
	case tensor.Bool:
		for _, v := range t.Bools() {
			if v {
				b.WriteByte(1)
			} else {
				b.WriteByte(0)
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// npyHeader is the parsed dictionary of a .npy header.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader reads the Python dict literal of a .npy header.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return h, fmt.Errorf("header is not a dictionary: %.60q", s)
	}
	body := s[1 : len(s)-1]
	seen := map[string]bool{}
	for len(strings.TrimSpace(body)) > 0 {
		body = strings.TrimLeft(body, " ,")
		if body == "" {
			break
		}
		key, rest, err := pyString(body)
		if err != nil {
			return h, err
		}
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, ":") {
			return h, fmt.Errorf("expected ':' after key %q", key)
		}
		rest = strings.TrimLeft(rest[1:], " ")
		switch key {
		case "descr":
			h.descr, rest, err = pyString(rest)
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				h.fortran, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				rest = rest[5:]
			default:
				err = fmt.Errorf("fortran_order is neither True nor False")
			}
		case "shape":
			h.shape, rest, err = pyTuple(rest)
		default:
			err = fmt.Errorf("unknown header key %q", key)
		}
		if err != nil {
			return h, err
		}
		seen[key] = true
		body = rest
	}
	if !seen["descr"] || !seen["shape"] {
		return h, fmt.Errorf("header lacks descr or shape")
	}
	return h, nil
}

func pyString(s string) (string, string, error) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') {
		return "", s, fmt.Errorf("expected a quoted string at %.20q", s)
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, fmt.Errorf("unterminated string at %.20q", s)
	}
	return s[1 : 1+end], s[2+end:], nil
}

func pyTuple(s string) ([]int, string, error) {
	if !strings.HasPrefix(s, "(") {
		return nil, s, fmt.Errorf("shape is not a tuple")
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return nil, s, fmt.Errorf("unterminated shape tuple")
	}
	shape := []int{}
	for _, part := range strings.Split(s[1:end], ",") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "L"))
		if part == "" {
			continue
		}
		d, err := strconv.Atoi(part)
		if err != nil || d < 0 {
			return nil, s, fmt.Errorf("bad dimension %q in shape", part)
		}
		shape = append(shape, d)
	}
	return shape, s[end+1:], nil
}

// DecodeNPY parses a whole .npy file (versions 1–3) of float16/32/64, (u)int8–64 or bool
// values in either byte order and C or Fortran order. Integers become int64, float16 float32.
func DecodeNPY(b []byte) (*tensor.Tensor, error) {
	if len(b) < 10 || !bytes.Equal(b[:6], npyMagic) {
		return nil, fmt.Errorf("serialize: npy: bad magic at offset 0 (want \\x93NUMPY)")
	}
	major := b[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, fmt.Errorf("serialize: npy: truncated header length at offset 8")
		}
		hlen, start = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf("serialize: npy: unsupported version %d.%d at offset 6", major, b[7])
	}
	if hlen < 0 || hlen > len(b)-start {
		return nil, fmt.Errorf("serialize: npy: header length %d at offset 8 exceeds the file (%d bytes)", hlen, len(b))
	}
	h, err := parseNPYHeader(string(b[start : start+hlen]))
	if err != nil {
		return nil, fmt.Errorf("serialize: npy: header at offset %d: %w", start, err)
	}
	data := b[start+hlen:]
	if len(h.descr) != 3 {
		return nil, fmt.Errorf("serialize: npy: unsupported dtype %q", h.descr)
	}
	order, kind := h.descr[0], h.descr[1]
	size, _ := strconv.Atoi(h.descr[2:])
	var bo binary.ByteOrder = binary.LittleEndian
	if order == '>' {
		bo = binary.BigEndian
	} else if order != '<' && order != '|' && order != '=' {
		return nil, fmt.Errorf("serialize: npy: unknown byte order in dtype %q", h.descr)
	}
	okKind := map[byte][]int{'f': {2, 4, 8}, 'i': {1, 2, 4, 8}, 'u': {1, 2, 4, 8}, 'b': {1}}
	if sizes, ok := okKind[kind]; !ok || !containsInt(sizes, size) {
		return nil, fmt.Errorf("serialize: npy: unsupported dtype %q", h.descr)
	}
	n := 1
	for _, d := range h.shape {
		if d > 0 && n > len(data)/d {
			return nil, fmt.Errorf("serialize: npy: shape %v needs more than the %d data bytes at offset %d", h.shape, len(data), start+hlen)
		}
		n *= d
	}
	if n*size != len(data) {
		return nil, fmt.Errorf("serialize: npy: shape %v of %s needs %d data bytes, the file has %d after offset %d", h.shape, h.descr, n*size, len(data), start+hlen)
	}
	var t *tensor.Tensor
	switch {
	case kind == 'b':
		v := make([]bool, n)
		for i := range v {
			v[i] = data[i] != 0
		}
		t = tensor.FromSlice(v, n)
	case kind == 'f' && size == 8:
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(bo.Uint64(data[8*i:]))
		}
		t = tensor.FromSlice(v, n)
	case kind == 'f':
		v := make([]float32, n)
		for i := range v {
			if size == 4 {
				v[i] = math.Float32frombits(bo.Uint32(data[4*i:]))
			} else {
				v[i] = half(bo.Uint16(data[2*i:]))
			}
		}
		t = tensor.FromSlice(v, n)
	default:
		v := make([]int64, n)
		for i := range v {
			p := data[size*i:]
			switch {
			case size == 1 && kind == 'i':
				v[i] = int64(int8(p[0]))
			case size == 1:
				v[i] = int64(p[0])
			case size == 2 && kind == 'i':
				v[i] = int64(int16(bo.Uint16(p)))
			case size == 2:
				v[i] = int64(bo.Uint16(p))
			case size == 4 && kind == 'i':
				v[i] = int64(int32(bo.Uint32(p)))
			case size == 4:
				v[i] = int64(bo.Uint32(p))
			default:
				v[i] = int64(bo.Uint64(p))
			}
		}
		t = tensor.FromSlice(v, n)
	}
	if len(h.shape) == 0 {
		return t.Reshape(), nil
	}
	if h.fortran {
		// Fortran order: the data is the transpose's C order.
		rev := make([]int, len(h.shape))
		perm := make([]int, len(h.shape))
		for i := range rev {
			rev[i] = h.shape[len(h.shape)-1-i]
			perm[i] = len(h.shape) - 1 - i
		}
		return t.Reshape(rev...).Permute(perm...).Contiguous(), nil
	}
	return t.Reshape(h.shape...), nil
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ReadNPY reads a .npy file.
func ReadNPY(path string) (*tensor.Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serialize: %w", err)
	}
	t, err := DecodeNPY(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// WriteNPY writes t to a .npy file atomically.
func WriteNPY(path string, t *tensor.Tensor) error {
	return WriteAtomic(path, func(w io.Writer) error { return EncodeNPY(w, t) })
}

// MaxNPZEntry bounds the decompressed size of one .npz member (2 GiB).
const MaxNPZEntry = 1 << 31

// DecodeNPZ parses a .npz archive (numpy.savez or savez_compressed) into named tensors; the
// names drop the ".npy" suffix.
func DecodeNPZ(b []byte) (map[string]*tensor.Tensor, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("serialize: npz: %w", err)
	}
	out := map[string]*tensor.Tensor{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("serialize: npz: member %q: %w", f.Name, err)
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(io.LimitReader(rc, MaxNPZEntry+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("serialize: npz: member %q: %w", f.Name, err)
		}
		if buf.Len() > MaxNPZEntry {
			return nil, fmt.Errorf("serialize: npz: member %q is larger than %d bytes", f.Name, MaxNPZEntry)
		}
		t, err := DecodeNPY(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("serialize: npz: member %q: %w", f.Name, err)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = t
	}
	return out, nil
}

// EncodeNPZ writes named tensors as a .npz archive, deflate-compressed when compress is set
// (like numpy.savez_compressed) and stored otherwise (like numpy.savez).
func EncodeNPZ(w io.Writer, tensors map[string]*tensor.Tensor, compress bool) error {
	zw := zip.NewWriter(w)
	for _, name := range sortedKeys(tensors) {
		method := zip.Store
		if compress {
			method = zip.Deflate
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: method})
		if err != nil {
			return err
		}
		if err := EncodeNPY(fw, tensors[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ReadNPZ reads a .npz file.
func ReadNPZ(path string) (map[string]*tensor.Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serialize: %w", err)
	}
	m, err := DecodeNPZ(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// WriteNPZ writes named tensors to a .npz file atomically.
func WriteNPZ(path string, tensors map[string]*tensor.Tensor, compress bool) error {
	return WriteAtomic(path, func(w io.Writer) error { return EncodeNPZ(w, tensors, compress) })
}
