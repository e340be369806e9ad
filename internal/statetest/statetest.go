// Package statetest holds the checks that every estimator's persistence tests share: a round
// trip through MarshalState and UnmarshalState that must give back the same state, a table
// of corrupted states that must be errors and never panics, and bit-for-bit comparison of
// outputs. It is imported by tests only.
package statetest

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// Stater is the persistence contract every fitted estimator meets.
type Stater interface {
	MarshalState() ([]byte, map[string]*tensor.Tensor, error)
	UnmarshalState([]byte, map[string]*tensor.Tensor) error
}

// Mutation corrupts a copy of a valid state (params and a clone of the arrays map).
type Mutation = func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)

// SameBits reports whether two tensors have the same dtype, shape and bits.
func SameBits(a, b *tensor.Tensor) error {
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

// RoundTrip marshals fitted and unmarshals it into fresh, then marshals fresh again and
// checks that both states are equal.
func RoundTrip(t *testing.T, fitted, fresh Stater) {
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
		if err := SameBits(a, arrays2[name]); err != nil {
			t.Errorf("array %s: %v", name, err)
		}
	}
}

// Same checks that two outputs are bit-identical.
func Same(t *testing.T, what string, a, b *tensor.Tensor, errA, errB error) {
	t.Helper()
	if errA != nil || errB != nil {
		t.Fatalf("%s: %v, %v", what, errA, errB)
	}
	if err := SameBits(a, b); err != nil {
		t.Errorf("%s differs after a round trip: %v", what, err)
	}
}

// unmarshalErr unmarshals into a fresh value and turns a panic into an error message.
func unmarshalErr(fresh func() Stater, params []byte, arrays map[string]*tensor.Tensor) (err error, panicked any) {
	defer func() { panicked = recover() }()
	return fresh().UnmarshalState(params, arrays), nil
}

// Corrupt checks that corrupted copies of a valid state are errors, never panics: bad
// JSON, each required array missing, reshaped (an extra dimension) or of another dtype,
// and NaN in each float array. extra adds estimator-specific corruptions; a nil one
// removes the generic case of that name.
func Corrupt(t *testing.T, fitted Stater, fresh func() Stater, required []string, extra map[string]Mutation) {
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

// Replace returns p with the first old replaced by new.
func Replace(p []byte, old, new string) []byte {
	if !strings.Contains(string(p), old) {
		panic("Replace: " + old + " not in " + string(p))
	}
	return []byte(strings.Replace(string(p), old, new, 1))
}

// SetInt64 returns a copy of the int64 array arrays[name] with element i set to v.
func SetInt64(arrays map[string]*tensor.Tensor, name string, i int, v int64) map[string]*tensor.Tensor {
	t := arrays[name]
	vals := t.Int64s()
	vals[i] = v
	arrays[name] = tensor.FromSlice(vals, t.Shape()...)
	return arrays
}

// FuzzParams feeds arbitrary params, with the arrays of a valid state, to UnmarshalState:
// the seeds are the states of the fitted estimators, fresh[i] returns a zero value of
// fitted[i]'s type, and use runs an accepted state's methods. Neither UnmarshalState nor
// use may panic.
func FuzzParams(f *testing.F, fitted []Stater, fresh []func() Stater, use func(Stater)) {
	arrays := make([]map[string]*tensor.Tensor, len(fitted))
	for i, m := range fitted {
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
			use(m)
		}
	})
}

// Fitter is an estimator that learns from X alone (clusterers, decompositions, transformers).
type Fitter interface {
	Stater
	Fit(X *tensor.Tensor) error
}

// Fit fits each of ms on X and returns them as Staters; a failed fit stops the test.
func Fit(tb testing.TB, X *tensor.Tensor, ms ...Fitter) []Stater {
	tb.Helper()
	out := make([]Stater, len(ms))
	for i, m := range ms {
		if err := m.Fit(X); err != nil {
			tb.Fatal(err)
		}
		out[i] = m
	}
	return out
}

// New returns a zero *T as a Stater: statetest.New[kmeans.KMeans] is a fresh-value function
// for Corrupt and FuzzParams.
func New[T any, P interface {
	*T
	Stater
}]() Stater {
	return P(new(T))
}

// Supervised is a fitted-on-(X, y) estimator with the persistence contract.
type Supervised interface {
	Stater
	Fit(X, y *tensor.Tensor) error
	Predict(X *tensor.Tensor) (*tensor.Tensor, error)
	Score(X, y *tensor.Tensor) (float64, error)
}

// SameOn checks that two estimators' methods (the original's and the restored one's, as
// method values) give bit-identical outputs on X.
func SameOn(t *testing.T, what string, X *tensor.Tensor, a, b func(*tensor.Tensor) (*tensor.Tensor, error)) {
	t.Helper()
	ya, errA := a(X)
	yb, errB := b(X)
	Same(t, what, ya, yb, errA, errB)
}
