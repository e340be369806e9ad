package data

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// SplitOption configures TrainTestSplit.
type SplitOption func(*splitConfig)

type splitConfig struct{ stratify bool }

// Stratify keeps each class's share of y the same in both parts (y holds class labels), with
// scikit-learn's per-class row counts: see stratifiedSplit. Every class needs at least 2 rows,
// and each part at least one row per class.
func Stratify() SplitOption { return func(c *splitConfig) { c.stratify = true } }

// TrainTestSplit shuffles the rows of x and y with seed and splits off a test part, like
// scikit-learn's train_test_split: testSize below 1 is a fraction (the test part gets
// ceil(testSize·n) rows), 1 or more is a row count; the train part gets the other rows.
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
		trainIdx, testIdx, err = stratifiedSplit(labels, nTest, rng)
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

// stratifiedSplit splits like scikit-learn's StratifiedShuffleSplit: each class first gets
// its share of the nTrain = n − nTest training rows (approximateMode), the test part takes
// the rest of each class, and the rows of each class are drawn at random.
func stratifiedSplit(labels []int64, nTest int, rng *rand.Rand) (train, test []int, err error) {
	byClass := map[int64][]int{}
	var classes []int64
	for i, l := range labels {
		if _, ok := byClass[l]; !ok {
			classes = append(classes, l)
		}
		byClass[l] = append(byClass[l], i)
	}
	slices.Sort(classes)
	nTrain := len(labels) - nTest
	counts := make([]int, len(classes))
	for i, c := range classes {
		counts[i] = len(byClass[c])
		if counts[i] < 2 {
			return nil, nil, fmt.Errorf("data: stratified split: the least populated class in y (%d) has only 1 member, which is too few; each class needs at least 2", c)
		}
	}
	if nTrain < len(classes) {
		return nil, nil, fmt.Errorf("data: stratified split: the train size %d should be at least the number of classes (%d)", nTrain, len(classes))
	}
	if nTest < len(classes) {
		return nil, nil, fmt.Errorf("data: stratified split: the test size %d should be at least the number of classes (%d)", nTest, len(classes))
	}
	trainCounts := approximateMode(counts, nTrain, rng)
	rest := make([]int, len(counts))
	for i := range counts {
		rest[i] = counts[i] - trainCounts[i]
	}
	testCounts := approximateMode(rest, nTest, rng)
	for i, c := range classes {
		members := byClass[c]
		p := rng.Perm(len(members))
		for _, j := range p[:trainCounts[i]] {
			train = append(train, members[j])
		}
		for _, j := range p[trainCounts[i] : trainCounts[i]+testCounts[i]] {
			test = append(test, members[j])
		}
	}
	// Mix the classes so neither part is ordered by class.
	return shuffled(train, rng), shuffled(test, rng), nil
}

func shuffled(idx []int, rng *rand.Rand) []int {
	out := make([]int, len(idx))
	for k, j := range rng.Perm(len(idx)) {
		out[k] = idx[j]
	}
	return out
}

// approximateMode returns how many of nDraws draws without replacement come from each class
// (counts holds the class sizes) in the most likely outcome, approximately, as scikit-learn's
// _approximate_mode: each class gets floor(counts[i]/Σcounts·nDraws) (computed in that order,
// in float64), and the draws left over go one each to the classes with the largest
// fractional parts; rng picks among classes whose fractional parts are exactly equal.
func approximateMode(counts []int, nDraws int, rng *rand.Rand) []int {
	total := 0
	for _, c := range counts {
		total += c
	}
	out := make([]int, len(counts))
	frac := make([]float64, len(counts))
	need := nDraws
	for i, c := range counts {
		// The conversions round each step, so no platform fuses them (Go spec, FMA).
		cont := float64(float64(c) / float64(total) * float64(nDraws))
		fl := math.Floor(cont)
		out[i], frac[i] = int(fl), float64(cont-fl)
		need -= out[i]
	}
	values := slices.Clone(frac)
	slices.Sort(values)
	values = slices.Compact(values)
	for k := len(values) - 1; k >= 0 && need > 0; k-- {
		var tied []int
		for i, f := range frac {
			if f == values[k] {
				tied = append(tied, i)
			}
		}
		add := min(len(tied), need)
		if add < len(tied) {
			tied = shuffled(tied, rng)
		}
		for _, i := range tied[:add] {
			out[i]++
		}
		need -= add
	}
	return out
}

// StandardScaler standardises features to zero mean and unit variance, like scikit-learn's
// StandardScaler: fit it on training data only, then transform every split.
type StandardScaler struct {
	Mean  *tensor.Tensor // per feature
	Scale *tensor.Tensor // per-feature population std; 1 where a feature is constant
}

// Fit learns the per-column mean and population standard deviation of x ([N, F]). As in
// scikit-learn, the statistics are computed in float64 with the corrected two-pass algorithm,
// and a feature whose variance is within rounding error of zero (isConstantFeature) is
// constant and gets scale 1.
func (s *StandardScaler) Fit(x *tensor.Tensor) error {
	if x.Dim() != 2 || x.Size(0) == 0 {
		return fmt.Errorf("data: standard scaler: expected a non-empty [samples, features] matrix, got shape %v", x.Shape())
	}
	mean, vari := meanVar(x.Float64s(), x.Size(0), x.Size(1))
	scale := make([]float64, len(vari))
	for j, v := range vari {
		scale[j] = math.Sqrt(v)
		if isConstantFeature(v, mean[j], x.Size(0)) {
			scale[j] = 1
		}
	}
	dt := floatDType(x)
	s.Mean = tensor.FromSlice(mean, len(mean)).To(dt)
	s.Scale = tensor.FromSlice(scale, len(scale)).To(dt)
	return nil
}

// meanVar returns the column means and population variances of the row-major [n, f] matrix
// v, summing rows in order as NumPy does along axis 0, with the correction term of the
// two-pass algorithm (Chan, Golub and LeVeque), as scikit-learn's _incremental_mean_and_var.
func meanVar(v []float64, n, f int) (mean, vari []float64) {
	mean, vari = make([]float64, f), make([]float64, f)
	for i := range n {
		for j := range f {
			mean[j] += v[i*f+j]
		}
	}
	corr := make([]float64, f)
	for j := range f {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j := range f {
			d := v[i*f+j] - mean[j]
			corr[j] += d
			vari[j] += float64(d * d)
		}
	}
	for j := range f {
		vari[j] = (vari[j] - float64(corr[j]*corr[j])/float64(n)) / float64(n)
	}
	return mean, vari
}

// isConstantFeature reports whether a variance var, computed over n samples with the given
// mean, is indistinguishable from 0: var ≤ n·ε·var + (n·mean·ε)², the error bound of the
// two-pass algorithm with ε the float64 machine epsilon (scikit-learn's _is_constant_feature).
func isConstantFeature(vari, mean float64, n int) bool {
	const eps = 0x1p-52
	nf := float64(n)
	bound := float64(nf*eps*vari) + float64(nf*mean*eps)*float64(nf*mean*eps)
	return vari <= bound
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

type standardScalerState struct {
	NFeaturesIn int `json:"n_features_in"`
}

// MarshalState returns the fitted scaler's number of features as JSON and its arrays mean
// and scale (float32 or float64, as fitted).
func (s *StandardScaler) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	if s.Mean == nil || s.Scale == nil {
		return nil, nil, fmt.Errorf("data: standard scaler: marshal state: not fitted")
	}
	params, err := json.Marshal(standardScalerState{s.Mean.Size(0)})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"mean": s.Mean.Clone(), "scale": s.Scale.Clone()}, nil
}

// UnmarshalState restores a StandardScaler from what MarshalState returned: mean and scale
// must be float32 or float64 vectors of n_features_in values, of the same dtype.
func (s *StandardScaler) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "data: standard scaler: unmarshal state"
	var st standardScalerState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	ts, err := scalerArrays(op, arrays, st.NFeaturesIn, "mean", "scale")
	if err != nil {
		return err
	}
	*s = StandardScaler{Mean: ts[0], Scale: ts[1]}
	return nil
}

// scalerArrays returns copies of the named arrays after checking that they are vectors of
// n ≥ 1 values, all float32 or all float64.
func scalerArrays(op string, arrays map[string]*tensor.Tensor, n int, names ...string) ([]*tensor.Tensor, error) {
	if n < 1 {
		return nil, fmt.Errorf("%s: n_features_in must be ≥ 1, got %d", op, n)
	}
	out := make([]*tensor.Tensor, len(names))
	for i, name := range names {
		t, ok := arrays[name]
		switch {
		case !ok || t == nil:
			return nil, fmt.Errorf("%s: missing array %q", op, name)
		case t.DType() != tensor.Float32 && t.DType() != tensor.Float64:
			return nil, fmt.Errorf("%s: array %q has dtype %v, want float32 or float64", op, name, t.DType())
		case t.DType() != arrays[names[0]].DType():
			return nil, fmt.Errorf("%s: array %q has dtype %v, but %q has %v", op, name, t.DType(), names[0], arrays[names[0]].DType())
		case t.Dim() != 1 || t.Size(0) != n:
			return nil, fmt.Errorf("%s: array %q has shape %v, want [%d]", op, name, t.Shape(), n)
		}
		out[i] = t.Clone()
	}
	return out, nil
}

// MinMaxScaler maps each feature linearly onto [Min, Max] (default [0, 1]) using the range
// seen in Fit, like scikit-learn's MinMaxScaler.
type MinMaxScaler struct {
	Min, Max         float64
	DataMin, DataMax *tensor.Tensor
	scale, offset    *tensor.Tensor
}

// Fit learns the per-column minimum and maximum of x ([N, F]). A feature whose range is below
// 10·ε (ε the machine epsilon of the fitted dtype) counts as constant and gets range 1, as in
// scikit-learn's _handle_zeros_in_scale.
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
	rng = tensor.Where(rng.LtScalar(10*epsilon(rng.DType())), tensor.OnesLike(rng), rng)
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

type minMaxScalerState struct {
	FeatureRange [2]float64 `json:"feature_range"`
	NFeaturesIn  int        `json:"n_features_in"`
}

// MarshalState returns the fitted scaler's feature range and number of features as JSON
// and its arrays data_min, data_max, scale and offset (scikit-learn's min_), float32 or
// float64 as fitted.
func (s *MinMaxScaler) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	if s.scale == nil {
		return nil, nil, fmt.Errorf("data: min-max scaler: marshal state: not fitted")
	}
	params, err := json.Marshal(minMaxScalerState{[2]float64{s.Min, s.Max}, s.scale.Size(0)})
	if err != nil {
		return nil, nil, fmt.Errorf("data: min-max scaler: marshal state: %w", err)
	}
	return params, map[string]*tensor.Tensor{"data_min": s.DataMin.Clone(), "data_max": s.DataMax.Clone(),
		"scale": s.scale.Clone(), "offset": s.offset.Clone()}, nil
}

// UnmarshalState restores a MinMaxScaler from what MarshalState returned: the arrays must be
// float32 or float64 vectors of n_features_in values, of the same dtype.
func (s *MinMaxScaler) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "data: min-max scaler: unmarshal state"
	var st minMaxScalerState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	lo, hi := st.FeatureRange[0], st.FeatureRange[1]
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("%s: feature_range must be finite with min < max, got [%g, %g]", op, lo, hi)
	}
	ts, err := scalerArrays(op, arrays, st.NFeaturesIn, "data_min", "data_max", "scale", "offset")
	if err != nil {
		return err
	}
	*s = MinMaxScaler{Min: lo, Max: hi, DataMin: ts[0], DataMax: ts[1], scale: ts[2], offset: ts[3]}
	return nil
}

// epsilon returns the machine epsilon of a float dtype: 2⁻⁵² for float64, 2⁻²³ otherwise.
func epsilon(dt tensor.DType) float64 {
	if dt == tensor.Float64 {
		return 0x1p-52
	}
	return 0x1p-23
}

func floatDType(x *tensor.Tensor) tensor.DType {
	if x.DType() == tensor.Float64 {
		return tensor.Float64
	}
	return tensor.Float32
}
