package inputs_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

func TestReadXErrors(t *testing.T) {
	nan := tensor.FromSlice([]float64{1, 2, math.NaN(), 4}, 2, 2)
	inf := tensor.FromSlice([]float32{1, 2, 3, float32(math.Inf(1))}, 2, 2)
	for _, c := range []struct {
		name string
		X    *tensor.Tensor
		nan  inputs.NaN
		want string
	}{
		{"nil", nil, inputs.RejectNaN, "op: X is nil"},
		{"1-D", tensor.FromSlice([]float64{1, 2}, 2), inputs.RejectNaN, "op: X must be 2-D [samples, features], got shape [2]"},
		{"empty", tensor.FromSlice([]float64{}, 0, 2), inputs.RejectNaN, "op: X has shape [0 2]: need at least one sample and one feature"},
		{"bool", tensor.FromSlice([]bool{true}, 1, 1), inputs.RejectNaN, "op: X must be numeric, got bool"},
		{"nan", nan, inputs.RejectNaN, "op: X contains NaN (sample 1, feature 0)"},
		{"inf with nan allowed", inf, inputs.AllowNaN, "op: X contains +Inf (sample 1, feature 1)"},
	} {
		if _, _, _, err := inputs.ReadX("op", c.X, c.nan); err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	if _, n, d, err := inputs.ReadX("op", nan, inputs.AllowNaN); err != nil || n != 2 || d != 2 {
		t.Errorf("NaN allowed: %d, %d, %v", n, d, err)
	}
}

// TestReadXCopies checks that the fast copies of contiguous float32 and float64 tensors give
// what Float64s gives, for views as well, and that the result is the caller's own.
func TestReadXCopies(t *testing.T) {
	x := tensor.FromSlice([]float64{1, 2.5, -3, 4, 5e300, 6}, 2, 3)
	for _, X := range []*tensor.Tensor{x, x.To(tensor.Float32), x.To(tensor.Int64), x.Transpose(0, 1)} {
		data, n, d, err := inputs.ReadX("op", X, inputs.RejectNaN)
		if X.DType() == tensor.Float32 && err != nil { // 5e300 is +Inf in float32
			continue
		}
		if err != nil || n != X.Size(0) || d != X.Size(1) || !slices.Equal(data, X.Float64s()) {
			t.Errorf("%v %v: %v (%d, %d, %v), want %v", X.DType(), X.Shape(), data, n, d, err, X.Float64s())
		}
		data[0] = 99
		if X.Float64s()[0] == 99 {
			t.Errorf("%v: ReadX shares X's storage", X.DType())
		}
	}
	small := tensor.FromSlice([]float32{1.5, -2, 3, 4}, 2, 2)
	if data, _, _, err := inputs.ReadX("op", small, inputs.RejectNaN); err != nil || !slices.Equal(data, small.Float64s()) {
		t.Errorf("float32: %v, %v", data, err)
	}
}

func TestReadFitted(t *testing.T) {
	X := tensor.FromSlice([]float64{1, 2, 3}, 1, 3)
	if _, _, err := inputs.ReadFitted("op", X, 0, inputs.RejectNaN); err == nil || err.Error() != "op: not fitted: call Fit first" {
		t.Error(err)
	}
	if _, _, err := inputs.ReadFitted("op", X, 2, inputs.RejectNaN); err == nil || err.Error() != "op: X has 3 features, but the estimator was fitted with 2" {
		t.Error(err)
	}
	if m, err := inputs.ReadFittedDense("op", X, 3); err != nil || m.At(0, 2) != 3 {
		t.Error(err)
	}
}

func TestReadY(t *testing.T) {
	for _, c := range []struct {
		y    *tensor.Tensor
		want string
	}{
		{nil, "op: y is nil"},
		{tensor.FromSlice([]float64{1, 2}, 2, 1), "op: y must be 1-D [samples], got shape [2 1]"},
		{tensor.FromSlice([]float64{1}, 1), "op: y has 1 values but X has 2 samples"},
		{tensor.FromSlice([]bool{true, false}, 2), "op: y must be numeric, got bool"},
		{tensor.FromSlice([]float64{1, math.Inf(-1)}, 2), "op: y contains -Inf (sample 1)"},
	} {
		if _, err := inputs.ReadY("op", c.y, 2); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}
