package data_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
)

func idxBytes(typ byte, shape []int, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(shape))})
	for _, d := range shape {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(payload)
	return b.Bytes()
}

func TestReadIDX(t *testing.T) {
	raw := idxBytes(0x08, []int{2, 3}, []byte{0, 1, 2, 3, 4, 255})
	x, err := data.ReadIDX(bytes.NewReader(raw))
	if err != nil || !slices.Equal(x.Shape(), []int{2, 3}) || !slices.Equal(x.Float32s(), []float32{0, 1, 2, 3, 4, 255}) {
		t.Fatalf("ubyte: %v %v", x, err)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(idxBytes(0x0B, []int{2}, []byte{0xff, 0xfe, 0x01, 0x00}))
	w.Close()
	x, err = data.ReadIDX(&gz)
	if err != nil || !slices.Equal(x.Float32s(), []float32{-2, 256}) {
		t.Fatalf("gzipped int16: %v %v", x, err)
	}
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"empty":        {nil, "offset 0"},
		"bad magic":    {[]byte{1, 2, 8, 1}, "bad magic"},
		"bad type":     {[]byte{0, 0, 0x42, 1, 0, 0, 0, 1, 0}, "unknown element type 0x42"},
		"truncated":    {idxBytes(0x08, []int{10}, []byte{1, 2}), "truncated"},
		"lying header": {idxBytes(0x0D, []int{1 << 20, 1 << 20}, nil), "claim more than"},
		"short dims":   {[]byte{0, 0, 8, 2, 0, 0, 0, 1}, "dimension 1"},
	} {
		if _, err := data.ReadIDX(bytes.NewReader(c.raw)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestLoadFashionMNISTMissing(t *testing.T) {
	_, _, err := data.LoadFashionMNIST(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Fatalf("error %v", err)
	}
}

func TestLoadFashionMNIST(t *testing.T) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	train, test, err := data.LoadFashionMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.X.Size(1) != 784 {
		t.Fatalf("sizes %d %d %v", train.Len(), test.Len(), train.X.Shape())
	}
	if m := train.X.Amax(nil, false).Item(); m != 1 {
		t.Fatalf("pixels not scaled to [0, 1]: max %v", m)
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(0x08, []int{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(idxBytes(0x0D, []int{1}, []byte{0x3f, 0x80, 0, 0}))
	f.Add(idxBytes(0x0E, []int{1}, make([]byte, 8)))
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		x, err := data.ReadIDX(bytes.NewReader(raw))
		if err != nil {
			return
		}
		if gzipped := len(raw) > 1 && raw[0] == 0x1f && raw[1] == 0x8b; !gzipped && x.Numel() > len(raw) {
			t.Fatalf("%d elements from %d bytes", x.Numel(), len(raw))
		}
	})
}
