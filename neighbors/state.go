package neighbors

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// Persistence: MarshalState returns an estimator's settings as JSON (scikit-learn's names)
// and its training data as arrays: "fit_x" (float32 when Fit saw float32 X, else float64,
// [samples, features]) and "y" (the regressor's float64 targets, or the classifier's int64
// class index of each sample, with its labels in "classes"). UnmarshalState checks them and
// rebuilds the index (k-d tree or brute-force blocks) exactly as Fit did, so the restored
// estimator answers bit for bit like the original.

// paramsState is Params under scikit-learn's names.
type paramsState struct {
	NNeighbors int     `json:"n_neighbors"`
	Weights    string  `json:"weights"`
	Algorithm  string  `json:"algorithm"`
	LeafSize   int     `json:"leaf_size"`
	Metric     string  `json:"metric"`
	P          float64 `json:"p"`
}

func (p Params) state() paramsState {
	return paramsState{p.NNeighbors, p.Weights, p.Algorithm, p.LeafSize, p.Metric, p.P}
}

func (s paramsState) params() Params {
	return Params{NNeighbors: s.NNeighbors, Weights: s.Weights, Algorithm: s.Algorithm, LeafSize: s.LeafSize, Metric: s.Metric, P: s.P}
}

// marshalIndex returns the JSON of p and the training data of ix as "fit_x".
func marshalIndex(op string, p Params, ix *index) ([]byte, map[string]*tensor.Tensor, error) {
	if ix == nil {
		return nil, nil, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	params, err := json.Marshal(p.state())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	x := tensor.FromSlice(append([]float64(nil), ix.x.data...), ix.x.n, ix.x.d)
	if ix.f32 {
		x = x.To(tensor.Float32)
	}
	return params, map[string]*tensor.Tensor{"fit_x": x}, nil
}

// unmarshalIndex decodes the settings (rejecting unknown fields and trailing data), checks
// "fit_x" and rebuilds the index, validating the settings as Fit does.
func unmarshalIndex(op string, params []byte, arrays map[string]*tensor.Tensor) (Params, *index, error) {
	var s paramsState
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Params{}, nil, fmt.Errorf("%s: bad params: %w", op, err)
	}
	if dec.More() {
		return Params{}, nil, fmt.Errorf("%s: bad params: trailing data after the JSON object", op)
	}
	X, ok := arrays["fit_x"]
	if !ok || X == nil {
		return Params{}, nil, fmt.Errorf("%s: missing array \"fit_x\"", op)
	}
	if dt := X.DType(); dt != tensor.Float32 && dt != tensor.Float64 {
		return Params{}, nil, fmt.Errorf("%s: array \"fit_x\" has dtype %v, want float32 or float64", op, dt)
	}
	x, err := readX(op+": fit_x", X)
	if err != nil {
		return Params{}, nil, err
	}
	p := s.params()
	ix, err := p.build(op, x, X.DType() == tensor.Float32)
	if err != nil {
		return Params{}, nil, err
	}
	return p, ix, nil
}

// MarshalState returns the fitted classifier's settings as JSON and its training data:
// "fit_x", "classes" (int64 labels) and "y" (int64 class index of each sample).
func (c *KNeighborsClassifier) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	params, arrays, err := marshalIndex("kneighbors classifier: marshal state", c.Params, c.ix)
	if err != nil {
		return nil, nil, err
	}
	y := make([]int64, len(c.y))
	for i, v := range c.y {
		y[i] = int64(v)
	}
	arrays["classes"] = tensor.FromSlice(append([]int64(nil), c.classes...), len(c.classes))
	arrays["y"] = tensor.FromSlice(y, len(y))
	return params, arrays, nil
}

// UnmarshalState restores a classifier from what MarshalState returned. It checks the
// settings as Fit does, that the classes are strictly increasing and that every class index
// is in range.
func (c *KNeighborsClassifier) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "kneighbors classifier: unmarshal state"
	p, ix, err := unmarshalIndex(op, params, arrays)
	if err != nil {
		return err
	}
	ct, err := state.Array(op, arrays, "classes", tensor.Int64, -1)
	if err != nil {
		return err
	}
	classes := ct.Int64s()
	if len(classes) == 0 {
		return fmt.Errorf("%s: array \"classes\" is empty", op)
	}
	for i := 1; i < len(classes); i++ {
		if classes[i] <= classes[i-1] {
			return fmt.Errorf("%s: array \"classes\" is not strictly increasing at %d", op, i)
		}
	}
	yt, err := state.Array(op, arrays, "y", tensor.Int64, ix.x.n)
	if err != nil {
		return err
	}
	y := make([]int, ix.x.n)
	for i, v := range yt.Int64s() {
		if v < 0 || v >= int64(len(classes)) {
			return fmt.Errorf("%s: array \"y\" holds class index %d at %d, want 0 … %d", op, v, i, len(classes)-1)
		}
		y[i] = int(v)
	}
	*c = KNeighborsClassifier{Params: p, ix: ix, classes: classes, y: y}
	c.Classes = tensor.FromSlice(append([]int64(nil), classes...), len(classes))
	c.NFeaturesIn, c.NSamplesFit, c.FitMethod, c.EffectiveMetric = ix.x.d, ix.x.n, ix.method, ix.m.name
	return nil
}

// MarshalState returns the fitted regressor's settings as JSON and its training data:
// "fit_x" and "y" (float64 targets).
func (r *KNeighborsRegressor) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	params, arrays, err := marshalIndex("kneighbors regressor: marshal state", r.Params, r.ix)
	if err != nil {
		return nil, nil, err
	}
	arrays["y"] = tensor.FromSlice(append([]float64(nil), r.y...), len(r.y))
	return params, arrays, nil
}

// UnmarshalState restores a regressor from what MarshalState returned. It checks the
// settings as Fit does and that the targets are finite.
func (r *KNeighborsRegressor) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "kneighbors regressor: unmarshal state"
	p, ix, err := unmarshalIndex(op, params, arrays)
	if err != nil {
		return err
	}
	yt, err := state.Array(op, arrays, "y", tensor.Float64, ix.x.n)
	if err != nil {
		return err
	}
	y, err := inputs.ReadY(op, yt, ix.x.n)
	if err != nil {
		return err
	}
	*r = KNeighborsRegressor{Params: p, ix: ix, y: append([]float64(nil), y...)}
	r.NFeaturesIn, r.NSamplesFit, r.FitMethod, r.EffectiveMetric = ix.x.d, ix.x.n, ix.method, ix.m.name
	return nil
}
