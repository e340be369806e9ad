package tensortest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/ember-ml/ember/tensor"
)

// Num is a JSON number that may also be written as the strings "nan", "inf" or "-inf".
type Num float64

// UnmarshalJSON reads a number or one of the non-finite strings.
func (n *Num) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return err
		}
		switch s {
		case "nan":
			*n = Num(math.NaN())
		case "inf":
			*n = Num(math.Inf(1))
		case "-inf":
			*n = Num(math.Inf(-1))
		default:
			return fmt.Errorf("golden: bad number %q", s)
		}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Array is a tensor in a golden file: dtype name, shape and row-major values.
type Array struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	Data  []Num  `json:"data"`
}

// Tensor converts the array to a tensor of its dtype.
func (a Array) Tensor() (*tensor.Tensor, error) {
	vals := make([]float64, len(a.Data))
	for i, v := range a.Data {
		vals[i] = float64(v)
	}
	shape := a.Shape
	if shape == nil {
		shape = []int{}
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(vals) {
		return nil, fmt.Errorf("golden: shape %v needs %d values, got %d", shape, n, len(vals))
	}
	t := tensor.FromSlice(vals, shape...)
	if len(shape) == 0 {
		t = t.Reshape()
	}
	switch a.DType {
	case "float32":
		return t.To(tensor.Float32), nil
	case "float64":
		return t, nil
	case "int64":
		return t.To(tensor.Int64), nil
	case "bool":
		return t.To(tensor.Bool), nil
	}
	return nil, fmt.Errorf("golden: unknown dtype %q", a.DType)
}

// MustTensor is Tensor for tests: it panics on a malformed array.
func (a Array) MustTensor() *tensor.Tensor {
	t, err := a.Tensor()
	if err != nil {
		panic(err)
	}
	return t
}

// LoadJSON decodes a golden JSON file into v.
func LoadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("golden: %s: %w", path, err)
	}
	return nil
}
