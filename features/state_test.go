package features_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/features"
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

// setInt64 returns a copy of the int64 array arrays[name] with element i set to v.
func setInt64(arrays map[string]*tensor.Tensor, name string, i int, v int64) map[string]*tensor.Tensor {
	t := arrays[name]
	vals := t.Int64s()
	vals[i] = v
	arrays[name] = tensor.FromSlice(vals, t.Shape()...)
	return arrays
}

type mutation = func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)

// randX returns a random float64 matrix [n, d].
func randX(n, d int, seed uint64) *tensor.Tensor {
	r := tensor.NewGenerator(seed).Rand()
	v := make([]float64, n*d)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return tensor.FromSlice(v, n, d)
}

type transformer interface {
	stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
}

func sameTransform(t *testing.T, name string, a, b transformer, X *tensor.Tensor) {
	t.Helper()
	z1, e1 := a.Transform(X)
	z2, e2 := b.Transform(X)
	same(t, name+" Transform", z1, z2, e1, e2)
}

func sameNames(t *testing.T, a, b interface {
	GetFeatureNamesOut([]string) ([]string, error)
}) {
	t.Helper()
	n1, e1 := a.GetFeatureNamesOut(nil)
	n2, e2 := b.GetFeatureNamesOut(nil)
	if e1 != nil || e2 != nil || !slices.Equal(n1, n2) {
		t.Errorf("feature names differ after a round trip: %v %v, %v %v", n1, e1, n2, e2)
	}
}

func TestPolynomialFeaturesState(t *testing.T) {
	X, Xt := randX(10, 3, 1), randX(5, 3, 2)
	for _, c := range []struct {
		deg, min    int
		inter, bias bool
	}{{2, 0, false, true}, {3, 2, true, false}, {3, 0, false, false}} {
		p := features.NewPolynomialFeatures(c.deg)
		p.MinDegree, p.InteractionOnly, p.IncludeBias = c.min, c.inter, c.bias
		if err := p.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got features.PolynomialFeatures
		roundTrip(t, p, &got)
		sameTransform(t, "polynomial", p, &got, Xt)
		sameNames(t, p, &got)
		corrupt(t, p, func() stater { return new(features.PolynomialFeatures) }, []string{"powers"},
			map[string]mutation{
				"degree changed": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, fmt.Sprintf(`"degree":%d`, c.deg), `"degree":1`), a
				},
				"huge degree": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, fmt.Sprintf(`"degree":%d`, c.deg), `"degree":9223372036854775807`), a
				},
				"huge min degree": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, fmt.Sprintf(`"degree":%d,"min_degree":%d`, c.deg, c.min), `"degree":1000,"min_degree":999`), a
				},
				"power changed": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					v := a["powers"].Int64s()
					v[len(v)-1]++
					a["powers"] = tensor.FromSlice(v, a["powers"].Shape()...)
					return p, a
				},
			})
	}
}

func TestRBFState(t *testing.T) {
	r := features.RBF{Centers: tensor.FromSlice([]float32{0, 1, 2, 3, 4, 5}, 3, 2), Gamma: 0.5}
	var got features.RBF
	roundTrip(t, &r, &got)
	X := randX(6, 2, 3)
	z1, e1 := r.Transform(X)
	z2, e2 := got.Transform(X)
	same(t, "Transform", z1, z2, e1, e2)
	corrupt(t, &r, func() stater { return new(features.RBF) }, []string{"centers"},
		map[string]mutation{
			"empty json": nil, // gamma 0 means 1/features
			"negative gamma": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `0.5`, `-0.5`), a
			},
			"no centres": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["centers"] = tensor.ZerosOf(tensor.Float64, 0, 2)
				return p, a
			},
		})
	if _, _, err := new(features.RBF).MarshalState(); err == nil {
		t.Error("MarshalState without Centers: no error")
	}
}

func TestRBFSamplerState(t *testing.T) {
	s := features.NewRBFSampler()
	s.NComponents, s.Gamma = 20, 0.3
	if err := s.Fit(randX(5, 4, 4)); err != nil {
		t.Fatal(err)
	}
	var got features.RBFSampler
	roundTrip(t, s, &got)
	sameTransform(t, "rbf sampler", s, &got, randX(7, 4, 5))
	corrupt(t, s, func() stater { return new(features.RBFSampler) }, []string{"random_weights", "random_offset"},
		map[string]mutation{
			"zero gamma": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"gamma":0.3`, `"gamma":0`), a
			},
			"fewer components": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"n_components":20`, `"n_components":19`), a
			},
		})
}

func TestOneHotEncoderState(t *testing.T) {
	X := tensor.FromSlice([]int64{1, 5, 0, 2, 5, 1, 1, 7, 0, 3, 5, 1}, 4, 3)
	for _, drop := range []string{"none", "first", "if_binary"} {
		e := features.NewOneHotEncoder()
		e.Drop, e.HandleUnknown = drop, "ignore"
		if err := e.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got features.OneHotEncoder
		roundTrip(t, e, &got)
		Xt := tensor.FromSlice([]int64{3, 5, 1, 2, 9, 0}, 2, 3)
		sameTransform(t, drop, e, &got, Xt)
		sameNames(t, e, &got)
		corrupt(t, e, func() stater { return new(features.OneHotEncoder) }, []string{"categories", "n_categories", "drop_idx"},
			map[string]mutation{
				"count too large": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, setInt64(a, "n_categories", 0, 100)
				},
				"zero count": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, setInt64(a, "n_categories", 1, 0)
				},
				"drop out of range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, setInt64(a, "drop_idx", 2, 2)
				},
				"categories unsorted": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					v := a["categories"].Float64s()
					v[0], v[1] = v[1], v[0]
					a["categories"] = tensor.FromSlice(v, len(v))
					return p, a
				},
				"extra category": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["categories"] = tensor.FromSlice(append(a["categories"].Float64s(), 99), a["categories"].Numel()+1)
					return p, a
				},
				"bad dtype": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"int64"`, `"bool"`), a
				},
			})
	}
}

func TestSimpleImputerState(t *testing.T) {
	nan := math.NaN()
	X := tensor.FromSlice([]float64{1, nan, 3, nan, 2, nan, 5, nan, 4, 7, nan, 6}, 4, 3)
	for _, strategy := range []string{"mean", "median", "most_frequent", "constant"} {
		s := features.NewSimpleImputer(strategy)
		s.FillValue = -1
		if err := s.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got features.SimpleImputer
		roundTrip(t, s, &got)
		Xt := tensor.FromSlice([]float64{nan, nan, nan, 1, 2, 3}, 2, 3)
		sameTransform(t, strategy, s, &got, Xt)
		corrupt(t, s, func() stater { return new(features.SimpleImputer) }, []string{"statistics"},
			map[string]mutation{
				"nan in statistics": nil, // NaN marks a dropped empty feature
				"bad strategy": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"`+strategy+`"`, `"mode"`), a
				},
				"nan kept": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["statistics"] = tensor.FromSlice([]float64{1, math.NaN(), 2}, 3)
					return replace(p, `"keep_empty_features":false`, `"keep_empty_features":true`), a
				},
				"infinite statistic": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["statistics"] = tensor.FromSlice([]float64{1, math.Inf(1), 2}, 3)
					return p, a
				},
			})
	}
}

func TestLabelEncoderState(t *testing.T) {
	var l features.LabelEncoder[string]
	if err := l.Fit([]string{"b", "a", "c", "a"}); err != nil {
		t.Fatal(err)
	}
	var got features.LabelEncoder[string]
	roundTrip(t, &l, &got)
	if !slices.Equal(l.Classes, got.Classes) {
		t.Errorf("classes %v, want %v", got.Classes, l.Classes)
	}
	for _, params := range []string{`{"classes":[]}`, `{"classes":["b","a"]}`, `{"classes":["a","a"]}`, `{"classes":[1]}`, `{`} {
		if err := new(features.LabelEncoder[string]).UnmarshalState([]byte(params), nil); err == nil {
			t.Errorf("%s: no error", params)
		}
	}
}

// FuzzUnmarshalState feeds arbitrary params, with the arrays of a valid state, to every
// transformer: UnmarshalState must not panic, and an accepted state must transform without
// panicking.
func FuzzUnmarshalState(f *testing.F) {
	X := tensor.FromSlice([]float64{1, 2, 0, 2, 2, 1, 1, 3, 0}, 3, 3)
	type fitter interface {
		transformer
		Fit(*tensor.Tensor) error
	}
	fitted := []fitter{features.NewPolynomialFeatures(2), features.NewRBFSampler(), features.NewOneHotEncoder(),
		features.NewSimpleImputer("mean")}
	fresh := []func() stater{func() stater { return new(features.PolynomialFeatures) }, func() stater { return new(features.RBFSampler) },
		func() stater { return new(features.OneHotEncoder) }, func() stater { return new(features.SimpleImputer) },
		func() stater { return new(features.RBF) }}
	arrays := make([]map[string]*tensor.Tensor, len(fresh))
	add := func(i int, m stater) {
		params, a, err := m.MarshalState()
		if err != nil {
			f.Fatal(err)
		}
		arrays[i] = a
		f.Add(uint8(i), params)
	}
	for i, m := range fitted {
		if err := m.Fit(X); err != nil {
			f.Fatal(err)
		}
		add(i, m)
	}
	add(4, &features.RBF{Centers: X})
	f.Fuzz(func(t *testing.T, which uint8, params []byte) {
		i := int(which) % len(fresh)
		m := fresh[i]()
		if m.UnmarshalState(params, arrays[i]) != nil {
			return
		}
		_, _ = m.(transformer).Transform(X)
		if n, ok := m.(interface {
			GetFeatureNamesOut([]string) ([]string, error)
		}); ok {
			_, _ = n.GetFeatureNamesOut(nil)
		}
	})
}
