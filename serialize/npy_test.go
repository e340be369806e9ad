package serialize_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// TestReadNumPyFiles reads arrays numpy wrote (gen_serialize.py): every dtype, big-endian,
// float16, Fortran order, 0-d and empty arrays, and .npz archives plain and compressed.
func TestReadNumPyFiles(t *testing.T) {
	f := loadFixture(t)
	if len(f.NPY) < 10 {
		t.Fatalf("only %d npy fixtures", len(f.NPY))
	}
	for name, c := range f.NPY {
		got, err := serialize.ReadNPY(golden + c.File)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := tensortest.Close(got, c.Want.MustTensor(), 0, 0); err != nil {
			t.Errorf("%s: %v\ngot %v", name, err, got)
		}
	}
	for file, members := range f.NPZ {
		got, err := serialize.ReadNPZ(golden + file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for name, want := range members {
			if err := tensortest.Close(got[name], want.MustTensor(), 0, 0); err != nil {
				t.Errorf("%s[%s]: %v", file, name, err)
			}
		}
	}
}

func TestNPYAndNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := map[string]*tensor.Tensor{
		"f32": tensor.Randn(tensor.NewGenerator(1), 3, 4),
		"f64": tensor.FromSlice([]float64{1, -2.5}),
		"i64": tensor.FromRows([][]int64{{1, 2}, {3, 4}}).T(),
		"b":   tensor.FromSlice([]bool{true, false}),
		"s":   tensor.Scalar(4),
	}
	for name, want := range in {
		p := filepath.Join(dir, name+".npy")
		if err := serialize.WriteNPY(p, want); err != nil {
			t.Fatal(err)
		}
		got, err := serialize.ReadNPY(p)
		if err != nil || got.DType() != want.DType() || tensortest.Close(got, want, 0, 0) != nil {
			t.Fatalf("%s: %v %v", name, got, err)
		}
	}
	for _, compress := range []bool{false, true} {
		p := filepath.Join(dir, "all.npz")
		if err := serialize.WriteNPZ(p, in, compress); err != nil {
			t.Fatal(err)
		}
		got, err := serialize.ReadNPZ(p)
		if err != nil || len(got) != len(in) {
			t.Fatalf("npz: %v %v", got, err)
		}
		for name, want := range in {
			if tensortest.Close(got[name], want, 0, 0) != nil {
				t.Fatalf("npz %s: %v", name, got[name])
			}
		}
	}
}

func TestNPYRejectsBadFiles(t *testing.T) {
	var good bytes.Buffer
	serialize.EncodeNPY(&good, tensor.Ones(2, 2))
	g := good.Bytes()
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"magic":         {[]byte("hello world"), "bad magic"},
		"version":       {append([]byte("\x93NUMPY\x09\x00"), 0, 0), "unsupported version"},
		"header length": {append(append([]byte{}, g[:8]...), 0xff, 0xff), "exceeds the file"},
		"truncated":     {g[:len(g)-3], "needs 16 data bytes"},
		"lying shape":   {[]byte(strings.Replace(string(g), "(2, 2)", "(99999999999, 2)", 1)), "needs more than"},
		"bad dtype":     {[]byte(strings.Replace(string(g), "<f4", "<c8", 1)), "unsupported dtype"},
		"bad header":    {[]byte(strings.Replace(string(g), "'shape'", "'shapf'", 1)), "unknown header key"},
	} {
		_, err := serialize.DecodeNPY(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	if _, err := serialize.DecodeNPZ([]byte("PK not really")); err == nil {
		t.Error("bad zip accepted")
	}
}

func FuzzDecodeSafetensors(f *testing.F) {
	var b bytes.Buffer
	serialize.EncodeSafetensors(&b, map[string]*tensor.Tensor{"w": tensor.Ones(2, 3), "i": tensor.FromSlice([]int64{1})}, nil, map[string]string{"a": "b"})
	f.Add(b.Bytes())
	f.Add(header(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	for _, real := range []string{"torch_mlp.safetensors", "ember_mlp.safetensors"} { // files PyTorch and Ember wrote
		if b, err := os.ReadFile(golden + real); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		file, err := serialize.DecodeSafetensors(raw)
		if err != nil {
			return
		}
		total := 0
		for _, tt := range file.Tensors {
			total += tt.Numel()
		}
		if total > len(raw) {
			t.Fatalf("%d elements from %d bytes", total, len(raw))
		}
		var again bytes.Buffer
		if err := serialize.EncodeSafetensors(&again, file.Tensors, nil, file.Metadata); err != nil {
			t.Fatal(err)
		}
		if _, err := serialize.DecodeSafetensors(again.Bytes()); err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
	})
}

func FuzzDecodeNPY(f *testing.F) {
	for _, x := range []*tensor.Tensor{tensor.Ones(2, 2), tensor.FromSlice([]int64{3}), tensor.FromSlice([]bool{true}), tensor.Scalar(1).Double()} {
		var b bytes.Buffer
		serialize.EncodeNPY(&b, x)
		f.Add(b.Bytes())
	}
	files, _ := filepath.Glob(golden + "npy/*.npy") // files numpy wrote
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		x, err := serialize.DecodeNPY(raw)
		if err != nil {
			return
		}
		if x.Numel() > len(raw) {
			t.Fatalf("%d elements from %d bytes", x.Numel(), len(raw))
		}
	})
}

func FuzzDecodeNPZ(f *testing.F) {
	var b bytes.Buffer
	serialize.EncodeNPZ(&b, map[string]*tensor.Tensor{"a": tensor.Ones(3)}, true)
	f.Add(b.Bytes())
	b.Reset()
	serialize.EncodeNPZ(&b, map[string]*tensor.Tensor{"a": tensor.Ones(3), "b": tensor.FromSlice([]int64{1, 2})}, false)
	f.Add(b.Bytes())
	for _, name := range []string{"npy/plain.npz", "npy/compressed.npz"} {
		if raw, err := os.ReadFile(golden + name); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		serialize.DecodeNPZ(raw) // must not panic
	})
}

func TestCSVRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.csv")
	x := tensor.FromRows([][]float32{{1.5, -2}, {float32(math.Inf(1)), float32(math.NaN())}})
	if err := serialize.WriteCSV(p, []string{"a", "b"}, x); err != nil {
		t.Fatal(err)
	}
	h, got, err := serialize.ReadCSV(p)
	if err != nil || len(h) != 2 || h[1] != "b" {
		t.Fatalf("%v %v", h, err)
	}
	if err := tensortest.Close(got, x, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := serialize.WriteCSV(p, []string{"a"}, x); err == nil {
		t.Fatal("header/column mismatch accepted")
	}
	for text, want := range map[string]string{
		"a,b\n1,2\n3,x\n": `line 3, column 2 ("b"): cannot parse "x"`,
		"a,b\n1,2\n3\n":   "line 3 has 1 fields, the header has 2",
		"a,b\n\n":         "no values",
		"":                "header row is required",
	} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := serialize.ReadCSV(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}
