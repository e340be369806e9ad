package data_test

import (
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

type scaler interface {
	statetest.Stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
	InverseTransform(*tensor.Tensor) (*tensor.Tensor, error)
}

func checkScalerState(t *testing.T, s scaler, fresh func() statetest.Stater, X *tensor.Tensor, names []string, extra map[string]statetest.Mutation) {
	t.Helper()
	got := fresh()
	statetest.RoundTrip(t, s, got)
	g := got.(scaler)
	z1, e1 := s.Transform(X)
	z2, e2 := g.Transform(X)
	statetest.Same(t, "Transform", z1, z2, e1, e2)
	statetest.SameOn(t, "InverseTransform", z1, s.InverseTransform, g.InverseTransform)
	if extra == nil {
		extra = map[string]statetest.Mutation{}
	}
	for _, name := range names {
		extra["nan in "+name] = nil // the scalers keep what Fit computed, NaN included
	}
	extra["no features"] = func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		return statetest.Replace(p, `"n_features_in":3`, `"n_features_in":0`), a
	}
	extra["int64 "+names[0]] = func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		a[names[0]] = a[names[0]].To(tensor.Int64)
		return p, a
	}
	statetest.Corrupt(t, s, fresh, names, extra)
}

func TestStandardScalerState(t *testing.T) {
	X := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 3, 7, 8, 3, -1, 0, 3}, 4, 3)
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		var s data.StandardScaler
		if err := s.Fit(X.To(dt)); err != nil {
			t.Fatal(err)
		}
		checkScalerState(t, &s, statetest.New[data.StandardScaler], X.To(dt), []string{"mean", "scale"}, nil)
	}
	if _, _, err := new(data.StandardScaler).MarshalState(); err == nil {
		t.Error("MarshalState before Fit: no error")
	}
}

func TestMinMaxScalerState(t *testing.T) {
	X := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 3, 7, 8, 3, -1, 0, 3}, 4, 3)
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		s := data.MinMaxScaler{Min: -1, Max: 2}
		if err := s.Fit(X.To(dt)); err != nil {
			t.Fatal(err)
		}
		checkScalerState(t, &s, statetest.New[data.MinMaxScaler], X.To(dt),
			[]string{"data_min", "data_max", "scale", "offset"}, map[string]statetest.Mutation{
				"empty range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `[-1,2]`, `[2,2]`), a
				},
			})
	}
	var zero data.MinMaxScaler
	if _, _, err := zero.MarshalState(); err == nil {
		t.Error("MarshalState before Fit: no error")
	}
}

// FuzzScalerUnmarshalState feeds arbitrary params, with the arrays of a valid state, to
// both scalers: UnmarshalState must not panic, nor Transform after an accepted state.
func FuzzScalerUnmarshalState(f *testing.F) {
	X := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 3}, 2, 3)
	seeds := statetest.Fit(f, X, &data.StandardScaler{}, &data.MinMaxScaler{})
	fresh := []func() statetest.Stater{statetest.New[data.StandardScaler], statetest.New[data.MinMaxScaler]}
	statetest.FuzzParams(f, seeds, fresh, func(m statetest.Stater) { _, _ = m.(scaler).Transform(X) })
}
