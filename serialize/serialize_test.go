package serialize_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

const golden = "../testdata/golden/"

// fixture is the part of gen_serialize.py's output these tests read (the model outputs are
// checkpoint's).
type fixture struct {
	NPY map[string]struct {
		File string           `json:"file"`
		Want tensortest.Array `json:"want"`
	} `json:"npy"`
	NPZ map[string]map[string]tensortest.Array `json:"npz"`
}

func loadFixture(t *testing.T) fixture {
	var f fixture
	if err := tensortest.LoadJSON(golden+"serialize.json", &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSafetensorsRoundTripAllDTypes(t *testing.T) {
	in := map[string]*tensor.Tensor{
		"f32":    tensor.FromSlice([]float32{1.5, -2, 3e-8}, 3),
		"f64":    tensor.FromRows([][]float64{{1, 2}, {3, 4}}),
		"i64":    tensor.FromSlice([]int64{-5, 7}),
		"bool":   tensor.FromSlice([]bool{true, false, true}),
		"scalar": tensor.Scalar(2.5),
		"empty":  tensor.Zeros(0, 3),
		"view":   tensor.Arange(0, 6, 1).Reshape(2, 3).T(),
	}
	var b bytes.Buffer
	if err := serialize.EncodeSafetensors(&b, in, nil, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	f, err := serialize.DecodeSafetensors(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range in {
		got := f.Tensor(name)
		if got == nil || got.DType() != want.DType() || tensortest.Close(got, want, 0, 0) != nil {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	if f.Metadata["k"] != "v" || !slices.Equal(f.Names, []string{"bool", "empty", "f32", "f64", "i64", "scalar", "view"}) && len(f.Names) != 7 {
		t.Fatalf("metadata %v names %v", f.Metadata, f.Names)
	}
}

// header builds a safetensors file from a raw JSON header and data bytes.
func header(js string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.WriteString(js)
	b.Write(data)
	return b.Bytes()
}

func TestSafetensorsRejectsBadFiles(t *testing.T) {
	good := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"truncated length": {[]byte{1, 2, 3}, "too short"},
		"lying length":     {append([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, '{', '}'), "exceeds"},
		"bad json":         {header(`{"a":`, nil), "header JSON"},
		"unknown dtype":    {header(`{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "unknown dtype"},
		"offset outside":   {header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4)), "outside the 4 data bytes"},
		"shape mismatch":   {header(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8)), "needs 12 bytes"},
		"huge shape":       {header(`{"a":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,8]}}`, make([]byte, 8)), "larger than"},
		"overlap":          {header(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "overlaps"},
		"gap":              {header(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "gap"},
		"trailing bytes":   {header(good, make([]byte, 12)), "unused"},
		"bad bool":         {header(`{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}`, []byte{7}), "bool value 7"},
		"bad metadata":     {header(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
	} {
		_, err := serialize.DecodeSafetensors(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	if _, err := serialize.DecodeSafetensors(header(good, make([]byte, 8))); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
}

func TestAtomicWriteKeepsOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	if err := serialize.WriteNPY(path, tensor.Ones(2)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("crash")
	err := serialize.WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial garbage"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	old, err := serialize.ReadNPY(path)
	if err != nil || !slices.Equal(old.Float32s(), []float32{1, 1}) {
		t.Fatalf("the previous file was damaged: %v %v", old, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
