package features

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// LabelEncoder is scikit-learn's LabelEncoder for labels of any ordered Go type (string,
// int64, float64…): Classes are the sorted distinct training labels and each label is
// encoded as its index in Classes. Integer labels held in a tensor are y.Int64s().
type LabelEncoder[T cmp.Ordered] struct {
	Classes []T // sorted distinct labels seen by Fit (classes_)
}

// Fit learns the classes of y. An empty y or a NaN label is an error.
func (l *LabelEncoder[T]) Fit(y []T) error {
	if len(y) == 0 {
		return fmt.Errorf("label encoder: y is empty")
	}
	for i, v := range y {
		if v != v {
			return fmt.Errorf("label encoder: y[%d] is NaN", i)
		}
	}
	c := slices.Clone(y)
	slices.Sort(c)
	l.Classes = slices.Compact(c)
	return nil
}

// Transform returns the class index of each label, int64 [len(y)]. A label not seen by Fit
// is an error.
func (l *LabelEncoder[T]) Transform(y []T) (*tensor.Tensor, error) {
	if l.Classes == nil {
		return nil, fmt.Errorf("label encoder: transform: not fitted: call Fit first")
	}
	codes := make([]int64, len(y))
	var unseen []T
	for i, v := range y {
		j, ok := slices.BinarySearch(l.Classes, v)
		if !ok {
			unseen = append(unseen, v)
			continue
		}
		codes[i] = int64(j)
	}
	if len(unseen) > 0 {
		slices.Sort(unseen)
		return nil, fmt.Errorf("label encoder: y contains previously unseen labels: %v", slices.Compact(unseen))
	}
	return tensor.FromSlice(codes, len(codes)), nil
}

// FitTransform fits on y and returns Transform(y).
func (l *LabelEncoder[T]) FitTransform(y []T) (*tensor.Tensor, error) {
	if err := l.Fit(y); err != nil {
		return nil, err
	}
	return l.Transform(y)
}

// InverseTransform returns the labels of class indices codes (a 1-D integer tensor; floats
// must be whole numbers). An index outside [0, len(Classes)) is an error.
func (l *LabelEncoder[T]) InverseTransform(codes *tensor.Tensor) ([]T, error) {
	if l.Classes == nil {
		return nil, fmt.Errorf("label encoder: inverse transform: not fitted: call Fit first")
	}
	if codes == nil || codes.Dim() != 1 || codes.DType() == tensor.Bool {
		return nil, fmt.Errorf("label encoder: inverse transform: codes must be a 1-D numeric tensor")
	}
	out := make([]T, codes.Numel())
	for i, c := range codes.Float64s() {
		if !(c >= 0 && c < float64(len(l.Classes))) || c != math.Trunc(c) {
			return nil, fmt.Errorf("label encoder: inverse transform: code %g at %d is not a class index in [0, %d)", c, i, len(l.Classes))
		}
		out[i] = l.Classes[int(c)]
	}
	return out, nil
}
