// Package serialize reads and writes tensor file formats: safetensors (readable by PyTorch
// and Hugging Face tools), NumPy's .npy and .npz, and CSV. It knows nothing about models: model
// files and training checkpoints are package checkpoint's, built on these.
//
// Rules: every reader treats its input as untrusted — it never panics, never allocates more
// than the input can justify, and names the problem and its byte offset in the error; every
// writer is atomic (a temporary file, fsync, rename), so a crash mid-write never destroys the
// previous file.
package serialize

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/ember-ml/ember/tensor"
)

// MaxHeaderSize bounds a safetensors JSON header (100 MB, as the reference implementation).
const MaxHeaderSize = 100 << 20

// File is the content of a safetensors file: named tensors in file order, plus string metadata.
type File struct {
	Names    []string
	Tensors  map[string]*tensor.Tensor
	Metadata map[string]string
}

// Tensor returns the named tensor, or nil.
func (f *File) Tensor(name string) *tensor.Tensor { return f.Tensors[name] }

type entry struct {
	DType       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

var dtypeSize = map[string]int{"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}

func safeName(d tensor.DType) string {
	switch d {
	case tensor.Float64:
		return "F64"
	case tensor.Int64:
		return "I64"
	case tensor.Bool:
		return "BOOL"
	}
	return "F32"
}

// EncodeSafetensors writes named tensors and metadata in the safetensors format. Tensors are
// written in the order of names (sorted when names is nil), little-endian and contiguous.
func EncodeSafetensors(w io.Writer, tensors map[string]*tensor.Tensor, names []string, metadata map[string]string) error {
	if names == nil {
		for n := range tensors {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var payload bytes.Buffer
	for _, n := range names {
		t, ok := tensors[n]
		if !ok {
			return fmt.Errorf("serialize: tensor %q is listed but missing", n)
		}
		if n == "__metadata__" {
			return fmt.Errorf("serialize: a tensor cannot be named __metadata__")
		}
		begin := payload.Len()
		switch t.DType() {
		case tensor.Float32:
			for _, v := range t.Float32s() {
				binary.Write(&payload, binary.LittleEndian, math.Float32bits(v))
			}
		case tensor.Float64:
			for _, v := range t.Float64s() {
				binary.Write(&payload, binary.LittleEndian, math.Float64bits(v))
			}
		case tensor.Int64:
			for _, v := range t.Int64s() {
				binary.Write(&payload, binary.LittleEndian, v)
			}
		case tensor.Bool:
			for _, v := range t.Bools() {
				b := byte(0)
				if v {
					b = 1
				}
				payload.WriteByte(b)
			}
		}
		shape := make([]int64, t.Dim())
		for i, d := range t.Shape() {
			shape[i] = int64(d)
		}
		header[n] = entry{DType: safeName(t.DType()), Shape: shape, DataOffsets: [2]int64{int64(begin), int64(payload.Len())}}
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("serialize: %w", err)
	}
	for len(hb)%8 != 0 { // the format pads the header with spaces to 8-byte alignment
		hb = append(hb, ' ')
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(hb))); err != nil {
		return err
	}
	if _, err := w.Write(hb); err != nil {
		return err
	}
	_, err = w.Write(payload.Bytes())
	return err
}

// DecodeSafetensors parses a whole safetensors file held in memory. It checks the header size,
// the JSON, every dtype and shape, and that the data offsets lie inside the buffer, match the
// shapes and neither overlap nor leave gaps.
func DecodeSafetensors(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("serialize: safetensors: %d bytes is too short for the 8-byte header length at offset 0", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > MaxHeaderSize || n > uint64(len(b)-8) {
		return nil, fmt.Errorf("serialize: safetensors: header length %d at offset 0 exceeds the file (%d bytes) or the %d-byte limit", n, len(b), MaxHeaderSize)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b[8 : 8+n]))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("serialize: safetensors: header JSON at offset 8: %w", err)
	}
	data := b[8+n:]
	f := &File{Tensors: map[string]*tensor.Tensor{}, Metadata: map[string]string{}}
	type span struct {
		name       string
		begin, end int64
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, fmt.Errorf("serialize: safetensors: __metadata__ must map strings to strings: %w", err)
			}
			continue
		}
		var e entry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, fmt.Errorf("serialize: safetensors: entry %q: %w", name, err)
		}
		size, ok := dtypeSize[e.DType]
		if !ok {
			return nil, fmt.Errorf("serialize: safetensors: tensor %q has unknown dtype %q", name, e.DType)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > int64(len(data))/d) {
				return nil, fmt.Errorf("serialize: safetensors: tensor %q has shape %v, larger than the %d data bytes", name, e.Shape, len(data))
			}
			count *= d
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) {
			return nil, fmt.Errorf("serialize: safetensors: tensor %q has data offsets [%d, %d] outside the %d data bytes (which start at offset %d)", name, begin, end, len(data), 8+n)
		}
		if end-begin != count*int64(size) {
			return nil, fmt.Errorf("serialize: safetensors: tensor %q: shape %v of %s needs %d bytes, data offsets [%d, %d] give %d", name, e.Shape, e.DType, count*int64(size), begin, end, end-begin)
		}
		shape := make([]int, len(e.Shape))
		for i, d := range e.Shape {
			shape[i] = int(d)
		}
		t, err := decodeValues(e.DType, data[begin:end], int(count), shape)
		if err != nil {
			return nil, fmt.Errorf("serialize: safetensors: tensor %q: %w", name, err)
		}
		f.Tensors[name] = t
		spans = append(spans, span{name, begin, end})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].name < spans[j].name
	})
	pos := int64(0)
	for _, s := range spans {
		if s.begin != pos && s.end != s.begin {
			if s.begin < pos {
				return nil, fmt.Errorf("serialize: safetensors: tensor %q at data offset %d overlaps the previous tensor (which ends at %d)", s.name, s.begin, pos)
			}
			return nil, fmt.Errorf("serialize: safetensors: a gap in the data before tensor %q (bytes %d to %d are unused)", s.name, pos, s.begin)
		}
		pos = max(pos, s.end)
		f.Names = append(f.Names, s.name)
	}
	if pos != int64(len(data)) {
		return nil, fmt.Errorf("serialize: safetensors: %d data bytes after the last tensor are unused", int64(len(data))-pos)
	}
	return f, nil
}

func decodeValues(dtype string, b []byte, n int, shape []int) (*tensor.Tensor, error) {
	reshape := func(t *tensor.Tensor) *tensor.Tensor {
		if len(shape) == 0 {
			return t.Reshape()
		}
		return t.Reshape(shape...)
	}
	switch dtype {
	case "F32":
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return reshape(tensor.FromSlice(v, n)), nil
	case "F64":
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		return reshape(tensor.FromSlice(v, n)), nil
	case "F16", "BF16":
		v := make([]float32, n)
		for i := range v {
			h := binary.LittleEndian.Uint16(b[2*i:])
			if dtype == "BF16" {
				v[i] = math.Float32frombits(uint32(h) << 16)
			} else {
				v[i] = half(h)
			}
		}
		return reshape(tensor.FromSlice(v, n)), nil
	case "I64", "I32", "I16", "I8", "U8":
		v := make([]int64, n)
		for i := range v {
			switch dtype {
			case "I64":
				v[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
			case "I32":
				v[i] = int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
			case "I16":
				v[i] = int64(int16(binary.LittleEndian.Uint16(b[2*i:])))
			case "I8":
				v[i] = int64(int8(b[i]))
			default:
				v[i] = int64(b[i])
			}
		}
		return reshape(tensor.FromSlice(v, n)), nil
	case "BOOL":
		v := make([]bool, n)
		for i := range v {
			if b[i] > 1 {
				return nil, fmt.Errorf("bool value %d at element %d", b[i], i)
			}
			v[i] = b[i] == 1
		}
		return reshape(tensor.FromSlice(v, n)), nil
	}
	return nil, fmt.Errorf("unsupported dtype %s", dtype)
}

// half converts an IEEE 754 half-precision value to float32.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0:
		f := float32(frac) / 1024 * float32(math.Pow(2, -14))
		if sign != 0 {
			return -f
		}
		return f
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// ReadSafetensors reads and checks a safetensors file.
func ReadSafetensors(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serialize: %w", err)
	}
	f, err := DecodeSafetensors(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// WriteSafetensors writes tensors and metadata to path atomically.
func WriteSafetensors(path string, tensors map[string]*tensor.Tensor, names []string, metadata map[string]string) error {
	return WriteAtomic(path, func(w io.Writer) error { return EncodeSafetensors(w, tensors, names, metadata) })
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
