package features_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

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
	statetest.Stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
}

func sameTransform(t *testing.T, name string, a, b transformer, X *tensor.Tensor) {
	t.Helper()
	statetest.SameOn(t, name+" Transform", X, a.Transform, b.Transform)
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
		statetest.RoundTrip(t, p, &got)
		sameTransform(t, "polynomial", p, &got, Xt)
		sameNames(t, p, &got)
		statetest.Corrupt(t, p, statetest.New[features.PolynomialFeatures], []string{"powers"},
			map[string]statetest.Mutation{
				"degree changed": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, fmt.Sprintf(`"degree":%d`, c.deg), `"degree":1`), a
				},
				"huge degree": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, fmt.Sprintf(`"degree":%d`, c.deg), `"degree":9223372036854775807`), a
				},
				"huge min degree": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, fmt.Sprintf(`"degree":%d,"min_degree":%d`, c.deg, c.min), `"degree":1000,"min_degree":999`), a
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
	statetest.RoundTrip(t, &r, &got)
	X := randX(6, 2, 3)
	statetest.SameOn(t, "Transform", X, r.Transform, got.Transform)
	statetest.Corrupt(t, &r, statetest.New[features.RBF], []string{"centers"},
		map[string]statetest.Mutation{
			"empty json": nil, // gamma 0 means 1/features
			"negative gamma": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `0.5`, `-0.5`), a
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
	statetest.RoundTrip(t, s, &got)
	sameTransform(t, "rbf sampler", s, &got, randX(7, 4, 5))
	statetest.Corrupt(t, s, statetest.New[features.RBFSampler], []string{"random_weights", "random_offset"},
		map[string]statetest.Mutation{
			"zero gamma": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"gamma":0.3`, `"gamma":0`), a
			},
			"fewer components": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"n_components":20`, `"n_components":19`), a
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
		statetest.RoundTrip(t, e, &got)
		Xt := tensor.FromSlice([]int64{3, 5, 1, 2, 9, 0}, 2, 3)
		sameTransform(t, drop, e, &got, Xt)
		sameNames(t, e, &got)
		statetest.Corrupt(t, e, statetest.New[features.OneHotEncoder], []string{"categories", "n_categories", "drop_idx"},
			map[string]statetest.Mutation{
				"count too large": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, statetest.SetInt64(a, "n_categories", 0, 100)
				},
				"zero count": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, statetest.SetInt64(a, "n_categories", 1, 0)
				},
				"drop out of range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return p, statetest.SetInt64(a, "drop_idx", 2, 2)
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
					return statetest.Replace(p, `"int64"`, `"bool"`), a
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
		statetest.RoundTrip(t, s, &got)
		Xt := tensor.FromSlice([]float64{nan, nan, nan, 1, 2, 3}, 2, 3)
		sameTransform(t, strategy, s, &got, Xt)
		statetest.Corrupt(t, s, statetest.New[features.SimpleImputer], []string{"statistics"},
			map[string]statetest.Mutation{
				"nan in statistics": nil, // NaN marks a dropped empty feature
				"bad strategy": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"`+strategy+`"`, `"mode"`), a
				},
				"nan kept": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["statistics"] = tensor.FromSlice([]float64{1, math.NaN(), 2}, 3)
					return statetest.Replace(p, `"keep_empty_features":false`, `"keep_empty_features":true`), a
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
	statetest.RoundTrip(t, &l, &got)
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
	seeds := statetest.Fit(f, X, features.NewPolynomialFeatures(2), features.NewRBFSampler(), features.NewOneHotEncoder(),
		features.NewSimpleImputer("mean"))
	seeds = append(seeds, &features.RBF{Centers: X})
	fresh := []func() statetest.Stater{statetest.New[features.PolynomialFeatures], statetest.New[features.RBFSampler],
		statetest.New[features.OneHotEncoder], statetest.New[features.SimpleImputer],
		statetest.New[features.RBF]}
	statetest.FuzzParams(f, seeds, fresh, func(m statetest.Stater) {
		_, _ = m.(transformer).Transform(X)
		if n, ok := m.(interface {
			GetFeatureNamesOut([]string) ([]string, error)
		}); ok {
			_, _ = n.GetFeatureNamesOut(nil)
		}
	})
}
