package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/ember-ml/ember/tensor"
)

// MaxIDXElements bounds the element count an IDX header may claim (2³¹), so a lying header
// is an error rather than an out-of-memory.
const MaxIDXElements = 1 << 31

// ReadIDX reads a tensor in the IDX format of MNIST (gzip-compressed or not): a magic number
// naming the element type (unsigned/signed byte, int16, int32, float32, float64), the
// dimensions, then big-endian values. Values become float32 (float64 for IDX doubles). Memory
// grows only with the bytes actually read, and every error says what and where.
func ReadIDX(r io.Reader) (*tensor.Tensor, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("data: idx: gzip: %w", err)
		}
		defer gz.Close()
		br = bufio.NewReader(gz)
	}
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("data: idx: reading the magic number at offset 0: %w", eofIsUnexpected(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("data: idx: bad magic number %x at offset 0 (want 00 00 type dims)", head)
	}
	size := map[byte]int{0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}[head[2]]
	if size == 0 {
		return nil, fmt.Errorf("data: idx: unknown element type 0x%02x at offset 2", head[2])
	}
	nd := int(head[3])
	if nd == 0 {
		return nil, fmt.Errorf("data: idx: zero dimensions at offset 3")
	}
	shape := make([]int, nd)
	n := 1
	for i := range shape {
		var d [4]byte
		if _, err := io.ReadFull(br, d[:]); err != nil {
			return nil, fmt.Errorf("data: idx: reading dimension %d at offset %d: %w", i, 4+4*i, eofIsUnexpected(err))
		}
		shape[i] = int(binary.BigEndian.Uint32(d[:]))
		if shape[i] != 0 && n > MaxIDXElements/shape[i] {
			return nil, fmt.Errorf("data: idx: dimensions %v claim more than %d elements", shape[:i+1], MaxIDXElements)
		}
		n *= shape[i]
	}
	offset := 4 + 4*nd
	var buf bytes.Buffer
	got, err := buf.ReadFrom(io.LimitReader(br, int64(n)*int64(size)))
	if err != nil {
		return nil, fmt.Errorf("data: idx: reading values at offset %d: %w", offset, err)
	}
	if got != int64(n)*int64(size) {
		return nil, fmt.Errorf("data: idx: truncated: the header (shape %v) needs %d bytes of values after offset %d, the file has %d", shape, int64(n)*int64(size), offset, got)
	}
	raw := buf.Bytes()
	if head[2] == 0x0E {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.BigEndian.Uint64(raw[8*i:]))
		}
		return tensor.FromSlice(vals, shape...), nil
	}
	vals := make([]float32, n)
	switch head[2] {
	case 0x08:
		for i, b := range raw {
			vals[i] = float32(b)
		}
	case 0x09:
		for i, b := range raw {
			vals[i] = float32(int8(b))
		}
	case 0x0B:
		for i := range vals {
			vals[i] = float32(int16(binary.BigEndian.Uint16(raw[2*i:])))
		}
	case 0x0C:
		for i := range vals {
			vals[i] = float32(int32(binary.BigEndian.Uint32(raw[4*i:])))
		}
	case 0x0D:
		for i := range vals {
			vals[i] = math.Float32frombits(binary.BigEndian.Uint32(raw[4*i:]))
		}
	}
	return tensor.FromSlice(vals, shape...), nil
}

func eofIsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ReadIDXFile reads an IDX file (gzipped or not).
func ReadIDXFile(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	t, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs the files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTClasses names the ten classes in label order.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// LoadFashionMNIST reads Fashion-MNIST from dir (FashionMNISTDir when empty): images as
// float32 [N, 784] scaled to [0, 1], labels as int64 [N]. Missing files are one clear error
// saying how to get them.
func LoadFashionMNIST(dir string) (train, test *TensorDataset, err error) {
	if dir == "" {
		dir = FashionMNISTDir
	}
	load := func(kind string) (*TensorDataset, error) {
		img, err := findIDX(dir, kind+"-images-idx3-ubyte")
		if err != nil {
			return nil, err
		}
		lbl, err := findIDX(dir, kind+"-labels-idx1-ubyte")
		if err != nil {
			return nil, err
		}
		x, err := ReadIDXFile(img)
		if err != nil {
			return nil, err
		}
		y, err := ReadIDXFile(lbl)
		if err != nil {
			return nil, err
		}
		if x.Dim() != 3 || y.Dim() != 1 || x.Size(0) != y.Size(0) {
			return nil, fmt.Errorf("data: fashion-mnist: images %v and labels %v do not match", x.Shape(), y.Shape())
		}
		return NewTensorDataset(x.Reshape(x.Size(0), -1).DivScalar(255), y.Long())
	}
	if train, err = load("train"); err != nil {
		return nil, nil, err
	}
	if test, err = load("t10k"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func findIDX(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: fashion-mnist: %s(.gz) not found in %s; install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or give the folder that holds the four IDX files", name, dir)
}
