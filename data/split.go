package data

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// SplitOption configures TrainTestSplit.
type SplitOption func(*splitConfig)

type splitConfig struct{ stratify bool }

// Stratify keeps each class's share of y the same in both parts (y holds class labels).
func Stratify() SplitOption { return func(c *splitConfig) { c.stratify = true } }

// TrainTestSplit shuffles the rows of x and y with seed and splits off a test part, like
// scikit-learn's train_test_split: testSize below 1 is a fraction (the test part gets
// ceil(testSize·n) rows), 1 or more is a row count.
func TrainTestSplit(x, y *tensor.Tensor, testSize float64, seed uint64, opts ...SplitOption) (train, test *TensorDataset, err error) {
	var cfg splitConfig
	for _, o := range opts {
		o(&cfg)
	}
	ds, err := NewTensorDataset(x, y)
	if err != nil {
		return nil, nil, err
	}
	n := ds.Len()
	nTest, err := testCount(n, testSize)
	if err != nil {
		return nil, nil, err
	}
	rng := tensor.NewGenerator(seed).Rand()
	var trainIdx, testIdx []int
	if !cfg.stratify {
		perm := rng.Perm(n)
		testIdx, trainIdx = perm[:nTest], perm[nTest:]
	} else {
		if y.DType().IsFloat() {
			for _, v := range y.Float64s() {
				if v != math.Trunc(v) {
					return nil, nil, fmt.Errorf("data: stratify needs class labels, found %g", v)
				}
			}
		}
		labels := y.Reshape(-1).Int64s()
		if len(labels) != n {
			return nil, nil, fmt.Errorf("data: stratify needs one label per row, y has shape %v", y.Shape())
		}
		trainIdx, testIdx, err = stratifiedSplit(labels, nTest, rng.Perm)
		if err != nil {
			return nil, nil, err
		}
	}
	return ds.Subset(trainIdx), ds.Subset(testIdx), nil
}

func testCount(n int, testSize float64) (int, error) {
	var nTest int
	switch {
	case testSize > 0 && testSize < 1:
		nTest = int(math.Ceil(testSize * float64(n)))
	case testSize >= 1 && testSize == math.Trunc(testSize):
		nTest = int(testSize)
	default:
		return 0, fmt.Errorf("data: test size %g should be a fraction in (0, 1) or a positive row count", testSize)
	}
	if nTest >= n || nTest == 0 {
		return 0, fmt.Errorf("data: with %d samples and test size %g, the train or test set would be empty", n, testSize)
	}
	return nTest, nil
}

// stratifiedSplit allots each class a share of the test rows proportional to its size
// (largest remainders get the leftover rows), then draws that many of its rows at random.
func stratifiedSplit(labels []int64, nTest int, perm func(int) []int) (train, test []int, err error) {
	byClass := map[int64][]int{}
	var classes []int64
	for i, l := range labels {
		if _, ok := byClass[l]; !ok {
			classes = append(classes, l)
		}
		byClass[l] = append(byClass[l], i)
	}
	slices.Sort(classes)
	n := len(labels)
	if nTest < len(classes) || n-nTest < len(classes) {
		return nil, nil, fmt.Errorf("data: stratified split: the test size %d and train size %d must each be at least the number of classes (%d)", nTest, n-nTest, len(classes))
	}
	for _, c := range classes {
		if len(byClass[c]) < 2 {
			return nil, nil, fmt.Errorf("data: stratified split: class %d has only 1 member, which is too few", c)
		}
	}
	alloc := make([]int, len(classes))
	type rem struct {
		frac float64
		i    int
	}
	var rems []rem
	used := 0
	for i, c := range classes {
		exact := float64(nTest) * float64(len(byClass[c])) / float64(n)
		alloc[i] = int(exact)
		used += alloc[i]
		rems = append(rems, rem{exact - float64(alloc[i]), i})
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.frac > b.frac:
			return -1
		case a.frac < b.frac:
			return 1
		}
		return 0
	})
	for k := 0; used < nTest; k++ {
		alloc[rems[k%len(rems)].i]++
		used++
	}
	for i, c := range classes {
		members := byClass[c]
		p := perm(len(members))
		for k, j := range p {
			if k < alloc[i] {
				test = append(test, members[j])
			} else {
				train = append(train, members[j])
			}
		}
	}
	// Mix the classes so neither part is ordered by class.
	shuffle := func(idx []int) []int {
		out := make([]int, len(idx))
		for k, j := range perm(len(idx)) {
			out[k] = idx[j]
		}
		return out
	}
	return shuffle(train), shuffle(test), nil
}

// StandardScaler standardises features to zero mean and unit variance, like scikit-learn's
// StandardScaler: fit it on training data only, then transform every split.
type StandardScaler struct {
	Mean  *tensor.Tensor // per feature
	Scale *tensor.Tensor // per-feature population std; 1 where a feature is constant
}

// Fit learns the per-column mean and standard deviation of x ([N, F]).
func (s *StandardScaler) Fit(x *tensor.Tensor) error {
	if x.Dim() != 2 || x.Size(0) == 0 {
		return fmt.Errorf("data: standard scaler: expected a non-empty [samples, features] matrix, got shape %v", x.Shape())
	}
	xf := x.Detach().To(floatDType(x))
	s.Mean = xf.MeanDims([]int{0}, false)
	std := xf.Std([]int{0}, 0, false)
	s.Scale = tensor.Where(std.EqScalar(0), tensor.OnesLike(std), std)
	return nil
}

// Transform returns (x − mean)/scale.
func (s *StandardScaler) Transform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if s.Mean == nil {
		return nil, fmt.Errorf("data: standard scaler is not fitted yet")
	}
	if x.Dim() != 2 || x.Size(1) != s.Mean.Size(0) {
		return nil, fmt.Errorf("data: standard scaler: x has shape %v, but the scaler was fitted on %d features", x.Shape(), s.Mean.Size(0))
	}
	return x.To(s.Mean.DType()).Sub(s.Mean).Div(s.Scale), nil
}

// FitTransform fits on x and transforms it.
func (s *StandardScaler) FitTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.Fit(x); err != nil {
		return nil, err
	}
	return s.Transform(x)
}

// InverseTransform maps standardised values back to the original units.
func (s *StandardScaler) InverseTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if s.Mean == nil {
		return nil, fmt.Errorf("data: standard scaler is not fitted yet")
	}
	return x.Mul(s.Scale).Add(s.Mean), nil
}

// MinMaxScaler maps each feature linearly onto [Min, Max] (default [0, 1]) using the range
// seen in Fit, like scikit-learn's MinMaxScaler.
type MinMaxScaler struct {
	Min, Max         float64
	DataMin, DataMax *tensor.Tensor
	scale, offset    *tensor.Tensor
}

// Fit learns the per-column minimum and maximum of x ([N, F]).
func (s *MinMaxScaler) Fit(x *tensor.Tensor) error {
	if x.Dim() != 2 || x.Size(0) == 0 {
		return fmt.Errorf("data: min-max scaler: expected a non-empty [samples, features] matrix, got shape %v", x.Shape())
	}
	if s.Min == 0 && s.Max == 0 {
		s.Max = 1
	}
	if s.Min >= s.Max {
		return fmt.Errorf("data: min-max scaler: minimum of desired feature range %g must be smaller than maximum %g", s.Min, s.Max)
	}
	xf := x.Detach().To(floatDType(x))
	s.DataMin = xf.Amin([]int{0}, false)
	s.DataMax = xf.Amax([]int{0}, false)
	rng := s.DataMax.Sub(s.DataMin)
	rng = tensor.Where(rng.EqScalar(0), tensor.OnesLike(rng), rng)
	s.scale = tensor.FullLike(rng, s.Max-s.Min).Div(rng)
	s.offset = s.DataMin.Mul(s.scale).RSubScalar(s.Min)
	return nil
}

// Transform returns x·scale + offset.
func (s *MinMaxScaler) Transform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if s.scale == nil {
		return nil, fmt.Errorf("data: min-max scaler is not fitted yet")
	}
	if x.Dim() != 2 || x.Size(1) != s.scale.Size(0) {
		return nil, fmt.Errorf("data: min-max scaler: x has shape %v, but the scaler was fitted on %d features", x.Shape(), s.scale.Size(0))
	}
	return x.To(s.scale.DType()).Mul(s.scale).Add(s.offset), nil
}

// FitTransform fits on x and transforms it.
func (s *MinMaxScaler) FitTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if err := s.Fit(x); err != nil {
		return nil, err
	}
	return s.Transform(x)
}

// InverseTransform maps scaled values back to the original units.
func (s *MinMaxScaler) InverseTransform(x *tensor.Tensor) (*tensor.Tensor, error) {
	if s.scale == nil {
		return nil, fmt.Errorf("data: min-max scaler is not fitted yet")
	}
	return x.Sub(s.offset).Div(s.scale), nil
}

func floatDType(x *tensor.Tensor) tensor.DType {
	if x.DType() == tensor.Float64 {
		return tensor.Float64
	}
	return tensor.Float32
}
