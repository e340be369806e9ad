package data_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
)

// stater is the persistence contract every fitted estimator of this package meets.
type stater interface {
	MarshalState() ([]byte, map[string]*tensor.Tensor, error)
	UnmarshalState([]byte, map[string]*tensor.Tensor) error
}

// sameBits reports whether two tensors have the same dtype, shape and bits.
func sameBits(a, b *tensor.Tensor) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("one tensor is nil")
		}
		return nil
	}
	if a.DType() != b.DType() || !slices.Equal(a.Shape(), b.Shape()) {
		return fmt.Errorf("%v %v vs %v %v", a.DType(), a.Shape(), b.DType(), b.Shape())
	}
	if a.DType() == tensor.Int64 {
		if !slices.Equal(a.Int64s(), b.Int64s()) {
			return fmt.Errorf("values differ")
		}
		return nil
	}
	av, bv := a.Float64s(), b.Float64s()
	for i := range av {
		if math.Float64bits(av[i]) != math.Float64bits(bv[i]) {
			return fmt.Errorf("element %d: %v vs %v", i, av[i], bv[i])
		}
	}
	return nil
}

// arrayName is the contract's rule for array names.
var arrayName = regexp.MustCompile(`^[a-z0-9_.]+$`)

// roundTrip marshals fitted and unmarshals it into fresh, then marshals fresh again and
// checks that both states are equal.
func roundTrip(t *testing.T, fitted, fresh stater) {
	t.Helper()
	params, arrays, err := fitted.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range arrays {
		if !arrayName.MatchString(name) {
			t.Errorf("array name %q is not [a-z0-9_.]+", name)
		}
		if dt := a.DType(); dt != tensor.Float32 && dt != tensor.Float64 && dt != tensor.Int64 && dt != tensor.Bool {
			t.Errorf("array %q has dtype %v", name, dt)
		}
	}
	if err := fresh.UnmarshalState(params, arrays); err != nil {
		t.Fatal(err)
	}
	params2, arrays2, err := fresh.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if string(params) != string(params2) {
		t.Errorf("params differ after a round trip:\n%s\n%s", params, params2)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(arrays)), slices.Sorted(maps.Keys(arrays2))) {
		t.Errorf("array names differ: %v vs %v", slices.Sorted(maps.Keys(arrays)), slices.Sorted(maps.Keys(arrays2)))
	}
	for name, a := range arrays {
		if err := sameBits(a, arrays2[name]); err != nil {
			t.Errorf("array %s: %v", name, err)
		}
	}
}

// same checks that two outputs are bit-identical.
func same(t *testing.T, what string, a, b *tensor.Tensor, errA, errB error) {
	t.Helper()
	if errA != nil || errB != nil {
		t.Fatalf("%s: %v, %v", what, errA, errB)
	}
	if err := sameBits(a, b); err != nil {
		t.Errorf("%s differs after a round trip: %v", what, err)
	}
}

// unmarshalErr unmarshals into a fresh value and turns a panic into an error message.
func unmarshalErr(fresh func() stater, params []byte, arrays map[string]*tensor.Tensor) (err error, panicked any) {
	defer func() { panicked = recover() }()
	return fresh().UnmarshalState(params, arrays), nil
}

// corrupt checks that corrupted copies of a valid state are errors, never panics: bad
// JSON, each required array missing, reshaped (an extra dimension) or of another dtype,
// and NaN in each float array. extra adds estimator-specific corruptions; a nil one
// removes the generic case of that name.
func corrupt(t *testing.T, fitted stater, fresh func() stater, required []string, extra map[string]func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)) {
	t.Helper()
	params, arrays, err := fitted.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if err, p := unmarshalErr(fresh, params, arrays); err != nil || p != nil {
		t.Fatalf("valid state: %v (panic %v)", err, p)
	}
	cases := map[string]func() ([]byte, map[string]*tensor.Tensor){
		"bad json":   func() ([]byte, map[string]*tensor.Tensor) { return params[:len(params)/2], arrays },
		"empty json": func() ([]byte, map[string]*tensor.Tensor) { return []byte("{}"), arrays },
		"unknown field": func() ([]byte, map[string]*tensor.Tensor) {
			return append([]byte(`{"bogus":1,`), params[1:]...), arrays
		},
		"trailing json": func() ([]byte, map[string]*tensor.Tensor) { return append(slices.Clone(params), "{}"...), arrays },
		"nil arrays":    func() ([]byte, map[string]*tensor.Tensor) { return params, nil },
		"not an object": func() ([]byte, map[string]*tensor.Tensor) { return []byte("[1]"), arrays },
	}
	for _, name := range required {
		if arrays[name] == nil {
			t.Fatalf("MarshalState gave no array %q", name)
		}
		with := func(v *tensor.Tensor) func() ([]byte, map[string]*tensor.Tensor) {
			return func() ([]byte, map[string]*tensor.Tensor) {
				a := maps.Clone(arrays)
				if v == nil {
					delete(a, name)
				} else {
					a[name] = v
				}
				return params, a
			}
		}
		a := arrays[name]
		cases["missing "+name] = with(nil)
		cases["reshaped "+name] = with(a.Reshape(append(a.Shape(), 1)...))
		if a.DType() == tensor.Float64 {
			cases["float32 "+name] = with(a.To(tensor.Float32))
			if a.Numel() > 0 {
				v := a.Float64s()
				v[len(v)-1] = math.NaN()
				cases["nan in "+name] = with(tensor.FromSlice(v, a.Shape()...))
			}
		} else {
			cases["float64 "+name] = with(a.To(tensor.Float64))
		}
	}
	for name, f := range extra {
		if f == nil { // a generic case that is a valid state for this estimator
			delete(cases, name)
			continue
		}
		cases[name] = func() ([]byte, map[string]*tensor.Tensor) {
			return f(slices.Clone(params), maps.Clone(arrays))
		}
	}
	for name, f := range cases {
		p, a := f()
		err, panicked := unmarshalErr(fresh, p, a)
		switch {
		case panicked != nil:
			t.Errorf("%s: panic: %v", name, panicked)
		case err == nil:
			t.Errorf("%s: no error", name)
		default:
			t.Logf("%s: %v", name, err)
		}
	}
}

// replace returns p with the first old replaced by new.
func replace(p []byte, old, new string) []byte {
	if !strings.Contains(string(p), old) {
		panic("replace: " + old + " not in " + string(p))
	}
	return []byte(strings.Replace(string(p), old, new, 1))
}

type mutation = func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)

type scaler interface {
	stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
	InverseTransform(*tensor.Tensor) (*tensor.Tensor, error)
}

func checkScalerState(t *testing.T, s scaler, fresh func() stater, X *tensor.Tensor, names []string, extra map[string]mutation) {
	t.Helper()
	got := fresh()
	roundTrip(t, s, got)
	g := got.(scaler)
	z1, e1 := s.Transform(X)
	z2, e2 := g.Transform(X)
	same(t, "Transform", z1, z2, e1, e2)
	x1, e1 := s.InverseTransform(z1)
	x2, e2 := g.InverseTransform(z1)
	same(t, "InverseTransform", x1, x2, e1, e2)
	if extra == nil {
		extra = map[string]mutation{}
	}
	for _, name := range names {
		extra["nan in "+name] = nil // the scalers keep what Fit computed, NaN included
	}
	extra["no features"] = func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		return replace(p, `"n_features_in":3`, `"n_features_in":0`), a
	}
	extra["int64 "+names[0]] = func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		a[names[0]] = a[names[0]].To(tensor.Int64)
		return p, a
	}
	corrupt(t, s, fresh, names, extra)
}

func TestStandardScalerState(t *testing.T) {
	X := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 3, 7, 8, 3, -1, 0, 3}, 4, 3)
	for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
		var s data.StandardScaler
		if err := s.Fit(X.To(dt)); err != nil {
			t.Fatal(err)
		}
		checkScalerState(t, &s, func() stater { return new(data.StandardScaler) }, X.To(dt), []string{"mean", "scale"}, nil)
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
		checkScalerState(t, &s, func() stater { return new(data.MinMaxScaler) }, X.To(dt),
			[]string{"data_min", "data_max", "scale", "offset"}, map[string]mutation{
				"empty range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `[-1,2]`, `[2,2]`), a
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
	fitted := []interface {
		scaler
		Fit(*tensor.Tensor) error
	}{&data.StandardScaler{}, &data.MinMaxScaler{}}
	fresh := []func() scaler{func() scaler { return new(data.StandardScaler) }, func() scaler { return new(data.MinMaxScaler) }}
	arrays := make([]map[string]*tensor.Tensor, len(fitted))
	for i, m := range fitted {
		if err := m.Fit(X); err != nil {
			f.Fatal(err)
		}
		params, a, err := m.MarshalState()
		if err != nil {
			f.Fatal(err)
		}
		arrays[i] = a
		f.Add(uint8(i), params)
	}
	f.Fuzz(func(t *testing.T, which uint8, params []byte) {
		i := int(which) % len(fresh)
		m := fresh[i]()
		if m.UnmarshalState(params, arrays[i]) == nil {
			_, _ = m.Transform(X)
		}
	})
}
