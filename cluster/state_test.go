package cluster_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
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

// setInt64 returns a copy of the int64 array arrays[name] with element i set to v.
func setInt64(arrays map[string]*tensor.Tensor, name string, i int, v int64) map[string]*tensor.Tensor {
	t := arrays[name]
	vals := t.Int64s()
	vals[i] = v
	arrays[name] = tensor.FromSlice(vals, t.Shape()...)
	return arrays
}

// labelOutOfRange sets the first label to v.
func labelOutOfRange(v int64) func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
	return func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		return p, setInt64(a, "labels", 0, v)
	}
}

func blobs(n int) *tensor.Tensor {
	X, _ := synth.Blobs(n, synth.NumCenters(3), synth.Features(3), synth.Seed(4))
	return X
}

func TestKMeansState(t *testing.T) {
	X, Xt := blobs(120), blobs(30)
	for _, alg := range []string{"lloyd", "elkan"} {
		km := cluster.NewKMeans(3)
		km.Algorithm, km.NInit = alg, 2
		if err := km.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got cluster.KMeans
		roundTrip(t, km, &got)
		p1, e1 := km.Predict(Xt)
		p2, e2 := got.Predict(Xt)
		same(t, "Predict", p1, p2, e1, e2)
		t1, e1 := km.Transform(Xt)
		t2, e2 := got.Transform(Xt)
		same(t, "Transform", t1, t2, e1, e2)
		same(t, "Labels", km.Labels, got.Labels, nil, nil)
		if got.Inertia != km.Inertia || got.NIter != km.NIter {
			t.Errorf("scalars differ: %v %v vs %v %v", got.Inertia, got.NIter, km.Inertia, km.NIter)
		}
	}
	// InitCenters is kept as a setting.
	km := cluster.NewKMeans(2)
	km.InitCenters = tensor.FromSlice([]float32{0, 0, 0, 5, 5, 5}, 2, 3)
	if err := km.Fit(X.To(tensor.Float32)); err != nil {
		t.Fatal(err)
	}
	got := cluster.NewKMeans(7)
	roundTrip(t, km, got)
	same(t, "InitCenters", km.InitCenters, got.InitCenters, nil, nil)
	corrupt(t, km, func() stater { return new(cluster.KMeans) }, []string{"cluster_centers", "labels"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(2),
			"label negative":  labelOutOfRange(-1),
			"bad init_centers": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["init_centers"] = tensor.Zeros(3, 3)
				return p, a
			},
			"bool init_centers": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["init_centers"] = tensor.FromSlice(make([]bool, 6), 2, 3)
				return p, a
			},
		})
	if _, _, err := cluster.NewKMeans(2).MarshalState(); err == nil {
		t.Error("MarshalState before Fit: no error")
	}
}

func TestMiniBatchKMeansState(t *testing.T) {
	X, Xt := blobs(150), blobs(40)
	m := cluster.NewMiniBatchKMeans(3)
	m.BatchSize = 32
	if err := m.Fit(X); err != nil {
		t.Fatal(err)
	}
	var got cluster.MiniBatchKMeans
	roundTrip(t, m, &got)
	p1, e1 := m.Predict(Xt)
	p2, e2 := got.Predict(Xt)
	same(t, "Predict", p1, p2, e1, e2)
	t1, e1 := m.Transform(Xt)
	t2, e2 := got.Transform(Xt)
	same(t, "Transform", t1, t2, e1, e2)
	// PartialFit continues identically: counts, reassignment clock and generator are kept.
	for range 3 {
		if err := m.PartialFit(Xt); err != nil {
			t.Fatal(err)
		}
		if err := got.PartialFit(Xt); err != nil {
			t.Fatal(err)
		}
	}
	same(t, "centres after PartialFit", m.ClusterCenters, got.ClusterCenters, nil, nil)
	corrupt(t, m, func() stater { return new(cluster.MiniBatchKMeans) }, []string{"cluster_centers", "labels", "counts"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"negative count": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["counts"] = tensor.FromSlice([]float64{1, -1, 1}, 3)
				return p, a
			},
			"bad rng state": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"rng_state":"`, `"rng_state":"AAAA`), a
			},
		})
}

// replace returns p with the first old replaced by new.
func replace(p []byte, old, new string) []byte {
	if !strings.Contains(string(p), old) {
		panic("replace: " + old + " not in " + string(p))
	}
	return []byte(strings.Replace(string(p), old, new, 1))
}

func TestMeanShiftState(t *testing.T) {
	X, Xt := blobs(60), blobs(20)
	ms := cluster.NewMeanShift()
	ms.Bandwidth, ms.ClusterAll = 4, false
	if err := ms.Fit(X); err != nil {
		t.Fatal(err)
	}
	var got cluster.MeanShift
	roundTrip(t, ms, &got)
	p1, e1 := ms.Predict(Xt)
	p2, e2 := got.Predict(Xt)
	same(t, "Predict", p1, p2, e1, e2)
	same(t, "Labels", ms.Labels, got.Labels, nil, nil)
	corrupt(t, ms, func() stater { return new(cluster.MeanShift) }, []string{"cluster_centers", "labels"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(int64(ms.ClusterCenters.Size(0))),
			"label below -1":  labelOutOfRange(-2),
			"no centres": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["cluster_centers"] = tensor.ZerosOf(tensor.Float64, 0, 3)
				return p, a
			},
			"negative bandwidth": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"bandwidth":4`, `"bandwidth":-4`), a
			},
		})
}

func TestGaussianMixtureState(t *testing.T) {
	X, Xt := blobs(90), blobs(20)
	for _, kind := range []string{"full", "tied", "diag", "spherical"} {
		gm := cluster.NewGaussianMixture(3)
		gm.CovarianceType = kind
		if err := gm.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got cluster.GaussianMixture
		roundTrip(t, gm, &got)
		p1, e1 := gm.Predict(Xt)
		p2, e2 := got.Predict(Xt)
		same(t, kind+" Predict", p1, p2, e1, e2)
		q1, e1 := gm.PredictProba(Xt)
		q2, e2 := got.PredictProba(Xt)
		same(t, kind+" PredictProba", q1, q2, e1, e2)
		s1, e1 := gm.ScoreSamples(Xt)
		s2, e2 := got.ScoreSamples(Xt)
		same(t, kind+" ScoreSamples", s1, s2, e1, e2)
		b1, e1 := gm.BIC(Xt)
		b2, e2 := got.BIC(Xt)
		if e1 != nil || e2 != nil || math.Float64bits(b1) != math.Float64bits(b2) {
			t.Errorf("%s BIC: %v %v, %v %v", kind, b1, e1, b2, e2)
		}
		corrupt(t, gm, func() stater { return new(cluster.GaussianMixture) },
			[]string{"weights", "means", "covariances", "precisions_cholesky", "precisions"},
			map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
				"bad covariance type": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"`+kind+`"`, `"full2"`), a
				},
				"negative precision": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					pc := a["precisions_cholesky"]
					a["precisions_cholesky"] = pc.MulScalar(-1)
					return p, a
				},
				"bad weights_init": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["weights_init"] = tensor.FromSlice([]float64{1, 1}, 2)
					return p, a
				},
			})
	}
	gm := cluster.NewGaussianMixture(2)
	gm.MeansInit = tensor.FromSlice([]float64{0, 0, 0, 1, 1, 1}, 2, 3)
	if err := gm.Fit(X); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, gm, new(cluster.GaussianMixture))
}

func TestDBSCANState(t *testing.T) {
	db := cluster.NewDBSCAN()
	db.Eps = 1.5
	if err := db.Fit(blobs(80)); err != nil {
		t.Fatal(err)
	}
	var got cluster.DBSCAN
	roundTrip(t, db, &got)
	same(t, "Labels", db.Labels, got.Labels, nil, nil)
	same(t, "Components", db.Components, got.Components, nil, nil)
	corrupt(t, db, func() stater { return new(cluster.DBSCAN) }, []string{"labels", "core_sample_indices", "components"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label below -1":  labelOutOfRange(-2),
			"label too large": labelOutOfRange(80),
			"core out of range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, setInt64(a, "core_sample_indices", 0, 80)
			},
			"cores unsorted": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, setInt64(a, "core_sample_indices", 1, 0)
			},
			"zero eps": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"eps":1.5`, `"eps":0`), a
			},
		})
}

func TestAgglomerativeState(t *testing.T) {
	a := cluster.NewAgglomerativeClustering(3)
	if err := a.Fit(blobs(40)); err != nil {
		t.Fatal(err)
	}
	var got cluster.AgglomerativeClustering
	roundTrip(t, a, &got)
	same(t, "Labels", a.Labels, got.Labels, nil, nil)
	if !slices.Equal(a.Children, got.Children) || !slices.Equal(a.Distances, got.Distances) {
		t.Error("Children or Distances differ after a round trip")
	}
	last := int(a.NLeaves-1)*2 - 1
	corrupt(t, a, func() stater { return new(cluster.AgglomerativeClustering) }, []string{"labels", "children", "distances"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"forward child": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, setInt64(a, "children", 0, 40)
			},
			"negative child": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, setInt64(a, "children", 0, -1)
			},
			"child used twice": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, setInt64(a, "children", last, a["children"].Int64s()[0])
			},
			"bad linkage": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"ward"`, `"wart"`), a
			},
			"too few leaves": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"n_leaves":40`, `"n_leaves":1`), a
			},
		})
}

func TestSpectralClusteringState(t *testing.T) {
	sc := cluster.NewSpectralClustering(3)
	sc.NInit = 2
	if err := sc.Fit(blobs(40)); err != nil {
		t.Fatal(err)
	}
	var got cluster.SpectralClustering
	roundTrip(t, sc, &got)
	same(t, "Labels", sc.Labels, got.Labels, nil, nil)
	same(t, "AffinityMatrix", sc.AffinityMatrix, got.AffinityMatrix, nil, nil)
	corrupt(t, sc, func() stater { return new(cluster.SpectralClustering) }, []string{"labels", "affinity_matrix"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"bad affinity": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return replace(p, `"rbf"`, `"cosine"`), a
			},
		})
}

func TestDBSCANStateAllNoise(t *testing.T) {
	db := cluster.NewDBSCAN()
	db.Eps, db.MinSamples = 1e-3, 3
	if err := db.Fit(blobs(20)); err != nil {
		t.Fatal(err)
	}
	if db.Components.Size(0) != 0 {
		t.Fatalf("want no core samples, got %d", db.Components.Size(0))
	}
	roundTrip(t, db, new(cluster.DBSCAN))
}

// FuzzUnmarshalState feeds arbitrary params, with the arrays of a valid state, to every
// estimator: UnmarshalState must not panic, and an accepted state must predict without
// panicking.
func FuzzUnmarshalState(f *testing.F) {
	X := blobs(40)
	km := cluster.NewKMeans(3)
	mb := cluster.NewMiniBatchKMeans(3)
	ms := cluster.NewMeanShift()
	ms.Bandwidth = 4
	gm := cluster.NewGaussianMixture(2)
	db := cluster.NewDBSCAN()
	db.Eps = 1.5
	ag := cluster.NewAgglomerativeClustering(3)
	sc := cluster.NewSpectralClustering(3)
	type fitter interface {
		stater
		Fit(*tensor.Tensor) error
	}
	fitted := []fitter{km, mb, ms, gm, db, ag, sc}
	fresh := []func() stater{
		func() stater { return new(cluster.KMeans) }, func() stater { return new(cluster.MiniBatchKMeans) },
		func() stater { return new(cluster.MeanShift) }, func() stater { return new(cluster.GaussianMixture) },
		func() stater { return new(cluster.DBSCAN) }, func() stater { return new(cluster.AgglomerativeClustering) },
		func() stater { return new(cluster.SpectralClustering) },
	}
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
		if m.UnmarshalState(params, arrays[i]) != nil {
			return
		}
		if p, ok := m.(interface {
			Predict(*tensor.Tensor) (*tensor.Tensor, error)
		}); ok {
			_, _ = p.Predict(X)
		}
		if p, ok := m.(interface {
			Transform(*tensor.Tensor) (*tensor.Tensor, error)
		}); ok {
			_, _ = p.Transform(X)
		}
		if p, ok := m.(interface {
			PredictProba(*tensor.Tensor) (*tensor.Tensor, error)
		}); ok {
			_, _ = p.PredictProba(X)
		}
	})
}
