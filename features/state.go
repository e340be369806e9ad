package features

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// Persistence: MarshalState returns a transformer's settings and scalar fitted attributes as
// JSON (scikit-learn's names) and its fitted arrays by name; UnmarshalState restores them,
// checking every array's dtype, shape and values, so that a corrupted state is an error and
// never a panic later. The checks themselves are internal/state's, shared by all estimator
// packages.

// PolynomialFeatures

type polynomialState struct {
	Degree          int  `json:"degree"`
	MinDegree       int  `json:"min_degree"`
	InteractionOnly bool `json:"interaction_only"`
	IncludeBias     bool `json:"include_bias"`
	NFeaturesIn     int  `json:"n_features_in"`
}

// maxPolynomialDegree and maxPolynomialTerms bound the degree and the summed degree of the
// terms that UnmarshalState rebuilds (128 MB of indices), so that a corrupted state cannot
// exhaust time or memory.
const (
	maxPolynomialDegree = 1 << 10
	maxPolynomialTerms  = 1 << 24
)

// MarshalState returns the fitted PolynomialFeatures' settings as JSON and its powers
// array.
func (p *PolynomialFeatures) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "polynomial features: marshal state"
	if p.NFeaturesIn == 0 {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, polynomialState{p.Degree, p.MinDegree, p.InteractionOnly, p.IncludeBias, p.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"powers": p.Powers.Clone()}, nil
}

// UnmarshalState restores a PolynomialFeatures from what MarshalState returned: the terms
// are rebuilt from the settings and must equal the powers array.
func (p *PolynomialFeatures) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "polynomial features: unmarshal state"
	var s polynomialState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	powers, err := state.Array(op, arrays, "powers", tensor.Int64, -1, s.NFeaturesIn)
	if err != nil {
		return err
	}
	r := PolynomialFeatures{Degree: s.Degree, MinDegree: s.MinDegree, InteractionOnly: s.InteractionOnly, IncludeBias: s.IncludeBias}
	if s.Degree > maxPolynomialDegree {
		return fmt.Errorf("%s: degree %d exceeds %d", op, s.Degree, maxPolynomialDegree)
	}
	if s.Degree >= 0 && s.MinDegree >= 0 {
		rows, terms := polynomialSize(s.NFeaturesIn, s.MinDegree, s.Degree, s.InteractionOnly, s.IncludeBias, powers.Size(0))
		if rows > powers.Size(0) {
			return fmt.Errorf("%s: powers has %d rows, but the settings give more terms", op, powers.Size(0))
		}
		if rows < powers.Size(0) {
			return fmt.Errorf("%s: powers has %d rows, but the settings give %d terms", op, powers.Size(0), rows)
		}
		if terms > maxPolynomialTerms {
			return fmt.Errorf("%s: the terms' summed degree %d exceeds %d", op, terms, maxPolynomialTerms)
		}
	}
	if err := r.fit(s.NFeaturesIn); err != nil {
		return state.SettingsError(op, err)
	}
	if !slices.Equal(r.Powers.Int64s(), powers.Int64s()) {
		return fmt.Errorf("%s: powers differs from the terms that the settings give", op)
	}
	*p = r
	return nil
}

// polynomialSize returns the number of output columns of PolynomialFeatures and their
// summed degree, counting no further than past limit columns.
func polynomialSize(d, lo, hi int, distinct, bias bool, limit int) (rows, terms int) {
	if bias {
		rows = 1
	}
	if distinct {
		hi = min(hi, d)
	}
	var c big.Int
	for deg := max(1, lo); deg <= hi && rows <= limit; deg++ {
		if distinct {
			c.Binomial(int64(d), int64(deg))
		} else {
			c.Binomial(int64(d+deg-1), int64(deg))
		}
		if !c.IsInt64() || c.Int64() > int64(limit) {
			return limit + 1, 0
		}
		rows += int(c.Int64())
		terms += int(c.Int64()) * deg
	}
	return rows, terms
}

// RBF

type rbfState struct {
	Gamma float64 `json:"gamma"`
}

// MarshalState returns the RBF map's Gamma as JSON and its centers (float64). It is an
// error when Centers is not set.
func (r *RBF) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "rbf: marshal state"
	if r.Centers == nil {
		return nil, nil, fmt.Errorf("%s: Centers is not set", op)
	}
	params, err := state.MarshalParams(op, rbfState{r.Gamma})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"centers": r.Centers.To(tensor.Float64).Clone()}, nil
}

// UnmarshalState restores an RBF map from what MarshalState returned.
func (r *RBF) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "rbf: unmarshal state"
	var s rbfState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if !(s.Gamma >= 0) || math.IsInf(s.Gamma, 0) {
		return fmt.Errorf("%s: gamma must be finite and ≥ 0, got %g", op, s.Gamma)
	}
	c, shape, err := state.Floats(op, arrays, "centers", -1, -1)
	if err != nil {
		return err
	}
	if shape[0] == 0 || shape[1] == 0 {
		return fmt.Errorf("%s: centers is empty (shape %v)", op, shape)
	}
	*r = RBF{Centers: tensor.FromSlice(c, shape...), Gamma: s.Gamma}
	return nil
}

// RBFSampler

type rbfSamplerState struct {
	Gamma       float64 `json:"gamma"`
	NComponents int     `json:"n_components"`
	RandomState uint64  `json:"random_state"`
	NFeaturesIn int     `json:"n_features_in"`
}

// MarshalState returns the fitted RBFSampler's settings as JSON and its arrays:
// random_weights and random_offset.
func (s *RBFSampler) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "rbf sampler: marshal state"
	if s.NFeaturesIn == 0 {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, rbfSamplerState{s.Gamma, s.NComponents, s.RandomState, s.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"random_weights": tensor.FromSlice(slices.Clone(s.w), s.NFeaturesIn, len(s.b)),
		"random_offset": tensor.FromSlice(slices.Clone(s.b), len(s.b))}, nil
}

// UnmarshalState restores an RBFSampler from what MarshalState returned.
func (s *RBFSampler) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "rbf sampler: unmarshal state"
	var st rbfSamplerState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	switch {
	case !(st.Gamma > 0) || math.IsInf(st.Gamma, 0):
		return fmt.Errorf("%s: gamma must be finite and > 0, got %g", op, st.Gamma)
	case st.NComponents < 1:
		return fmt.Errorf("%s: n_components must be ≥ 1, got %d", op, st.NComponents)
	}
	if err := state.NeedFeatures(op, st.NFeaturesIn); err != nil {
		return err
	}
	w, _, err := state.Floats(op, arrays, "random_weights", st.NFeaturesIn, st.NComponents)
	if err != nil {
		return err
	}
	b, _, err := state.Floats(op, arrays, "random_offset", st.NComponents)
	if err != nil {
		return err
	}
	*s = RBFSampler{Gamma: st.Gamma, NComponents: st.NComponents, RandomState: st.RandomState, NFeaturesIn: st.NFeaturesIn,
		RandomWeights: tensor.FromSlice(slices.Clone(w), st.NFeaturesIn, st.NComponents),
		RandomOffset:  tensor.FromSlice(slices.Clone(b), st.NComponents), w: w, b: b}
	return nil
}

// OneHotEncoder

type oneHotState struct {
	HandleUnknown string `json:"handle_unknown"`
	Drop          string `json:"drop"`
	NFeaturesIn   int    `json:"n_features_in"`
	DType         string `json:"dtype"` // dtype of the fitted X, for GetFeatureNamesOut
}

// MarshalState returns the fitted OneHotEncoder's settings as JSON and its arrays:
// categories (every feature's categories, concatenated), n_categories (int64, per feature)
// and drop_idx (int64, −1 for none).
func (e *OneHotEncoder) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "one-hot encoder: marshal state"
	if e.NFeaturesIn == 0 {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, oneHotState{e.HandleUnknown, e.Drop, e.NFeaturesIn, e.dtype.String()})
	if err != nil {
		return nil, nil, err
	}
	var cats []float64
	counts := make([]int64, len(e.Categories))
	drop := make([]int64, len(e.DropIdx))
	for f, c := range e.Categories {
		cats = append(cats, c...)
		counts[f], drop[f] = int64(len(c)), int64(e.DropIdx[f])
	}
	return params, map[string]*tensor.Tensor{"categories": tensor.FromSlice(cats, len(cats)),
		"n_categories": tensor.FromSlice(counts, len(counts)), "drop_idx": tensor.FromSlice(drop, len(drop))}, nil
}

// UnmarshalState restores a OneHotEncoder from what MarshalState returned. Each feature's
// categories must increase strictly.
func (e *OneHotEncoder) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "one-hot encoder: unmarshal state"
	var s oneHotState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := OneHotEncoder{HandleUnknown: s.HandleUnknown, Drop: s.Drop, NFeaturesIn: s.NFeaturesIn}
	if err := r.check(); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	switch s.DType {
	case "float32":
		r.dtype = tensor.Float32
	case "float64":
		r.dtype = tensor.Float64
	case "int64":
		r.dtype = tensor.Int64
	default:
		return fmt.Errorf("%s: dtype must be \"float32\", \"float64\" or \"int64\", got %q", op, s.DType)
	}
	cats, _, err := state.Floats(op, arrays, "categories", -1)
	if err != nil {
		return err
	}
	counts, err := state.Array(op, arrays, "n_categories", tensor.Int64, s.NFeaturesIn)
	if err != nil {
		return err
	}
	drop, err := state.Array(op, arrays, "drop_idx", tensor.Int64, s.NFeaturesIn)
	if err != nil {
		return err
	}
	r.Categories, r.DropIdx = make([][]float64, s.NFeaturesIn), make([]int, s.NFeaturesIn)
	dropIdx, at := drop.Int64s(), 0
	for f, n := range counts.Int64s() {
		if n < 1 || n > int64(len(cats)-at) {
			return fmt.Errorf("%s: n_categories[%d] is %d, but %d categories are left", op, f, n, len(cats)-at)
		}
		c := cats[at : at+int(n) : at+int(n)]
		at += int(n)
		for j := 1; j < len(c); j++ {
			if !(c[j] > c[j-1]) {
				return fmt.Errorf("%s: categories of feature %d must increase, got %g after %g", op, f, c[j], c[j-1])
			}
		}
		if dropIdx[f] < -1 || dropIdx[f] >= n {
			return fmt.Errorf("%s: drop_idx[%d] is %d, want −1 or a category index below %d", op, f, dropIdx[f], n)
		}
		r.Categories[f], r.DropIdx[f] = c, int(dropIdx[f])
	}
	if at != len(cats) {
		return fmt.Errorf("%s: n_categories sums to %d, but categories holds %d", op, at, len(cats))
	}
	*e = r
	return nil
}

// SimpleImputer

type imputerState struct {
	Strategy          string  `json:"strategy"`
	FillValue         float64 `json:"fill_value"`
	KeepEmptyFeatures bool    `json:"keep_empty_features"`
	NFeaturesIn       int     `json:"n_features_in"`
}

// MarshalState returns the fitted SimpleImputer's settings as JSON and its statistics
// array (NaN for dropped empty features).
func (s *SimpleImputer) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "simple imputer: marshal state"
	if s.NFeaturesIn == 0 {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, imputerState{s.Strategy, s.FillValue, s.KeepEmptyFeatures, s.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"statistics": tensor.FromSlice(slices.Clone(s.stats), len(s.stats))}, nil
}

// UnmarshalState restores a SimpleImputer from what MarshalState returned.
func (s *SimpleImputer) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "simple imputer: unmarshal state"
	var st imputerState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	if math.IsNaN(st.FillValue) || math.IsInf(st.FillValue, 0) {
		return fmt.Errorf("%s: fill_value must be finite, got %g", op, st.FillValue)
	}
	if _, err := statistic(st.Strategy, st.FillValue); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, st.NFeaturesIn); err != nil {
		return err
	}
	stats, _, err := state.FloatsAllowing(op, arrays, "statistics", state.AllowNaN, st.NFeaturesIn)
	if err != nil {
		return err
	}
	var keep []int
	for f, v := range stats {
		if !math.IsNaN(v) {
			keep = append(keep, f)
		} else if st.KeepEmptyFeatures || st.Strategy == "constant" {
			return fmt.Errorf("%s: statistics[%d] is NaN, but empty features are kept", op, f)
		}
	}
	*s = SimpleImputer{Strategy: st.Strategy, FillValue: st.FillValue, KeepEmptyFeatures: st.KeepEmptyFeatures,
		NFeaturesIn: st.NFeaturesIn, Statistics: tensor.FromSlice(slices.Clone(stats), len(stats)), stats: stats, keep: keep}
	return nil
}

// LabelEncoder

type labelEncoderState[T cmp.Ordered] struct {
	Classes []T `json:"classes"`
}

// MarshalState returns the fitted LabelEncoder's classes as JSON; it has no arrays.
func (l *LabelEncoder[T]) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "label encoder: marshal state"
	if l.Classes == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, labelEncoderState[T]{l.Classes})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{}, nil
}

// UnmarshalState restores a LabelEncoder from what MarshalState returned: the classes must
// be non-empty and increase strictly.
func (l *LabelEncoder[T]) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "label encoder: unmarshal state"
	var s labelEncoderState[T]
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if len(s.Classes) == 0 {
		return fmt.Errorf("%s: no classes", op)
	}
	for i := 1; i < len(s.Classes); i++ {
		if !(cmp.Less(s.Classes[i-1], s.Classes[i])) {
			return fmt.Errorf("%s: classes must increase, got %v after %v", op, s.Classes[i], s.Classes[i-1])
		}
	}
	l.Classes = s.Classes
	return nil
}
