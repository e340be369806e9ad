package cluster_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/tensor"
)

// labelOutOfRange sets the first label to v.
func labelOutOfRange(v int64) func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
	return func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
		return p, statetest.SetInt64(a, "labels", 0, v)
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
		statetest.RoundTrip(t, km, &got)
		statetest.SameOn(t, "Predict", Xt, km.Predict, got.Predict)
		statetest.SameOn(t, "Transform", Xt, km.Transform, got.Transform)
		statetest.Same(t, "Labels", km.Labels, got.Labels, nil, nil)
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
	statetest.RoundTrip(t, km, got)
	statetest.Same(t, "InitCenters", km.InitCenters, got.InitCenters, nil, nil)
	statetest.Corrupt(t, km, statetest.New[cluster.KMeans], []string{"cluster_centers", "labels"},
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
	statetest.RoundTrip(t, m, &got)
	statetest.SameOn(t, "Predict", Xt, m.Predict, got.Predict)
	statetest.SameOn(t, "Transform", Xt, m.Transform, got.Transform)
	// PartialFit continues identically: counts, reassignment clock and generator are kept.
	for range 3 {
		if err := m.PartialFit(Xt); err != nil {
			t.Fatal(err)
		}
		if err := got.PartialFit(Xt); err != nil {
			t.Fatal(err)
		}
	}
	statetest.Same(t, "centres after PartialFit", m.ClusterCenters, got.ClusterCenters, nil, nil)
	statetest.Corrupt(t, m, statetest.New[cluster.MiniBatchKMeans], []string{"cluster_centers", "labels", "counts"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"negative count": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["counts"] = tensor.FromSlice([]float64{1, -1, 1}, 3)
				return p, a
			},
			"bad rng state": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"rng_state":"`, `"rng_state":"AAAA`), a
			},
		})
}

func TestMeanShiftState(t *testing.T) {
	X, Xt := blobs(60), blobs(20)
	ms := cluster.NewMeanShift()
	ms.Bandwidth, ms.ClusterAll = 4, false
	if err := ms.Fit(X); err != nil {
		t.Fatal(err)
	}
	var got cluster.MeanShift
	statetest.RoundTrip(t, ms, &got)
	statetest.SameOn(t, "Predict", Xt, ms.Predict, got.Predict)
	statetest.Same(t, "Labels", ms.Labels, got.Labels, nil, nil)
	statetest.Corrupt(t, ms, statetest.New[cluster.MeanShift], []string{"cluster_centers", "labels"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(int64(ms.ClusterCenters.Size(0))),
			"label below -1":  labelOutOfRange(-2),
			"no centres": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				a["cluster_centers"] = tensor.ZerosOf(tensor.Float64, 0, 3)
				return p, a
			},
			"negative bandwidth": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"bandwidth":4`, `"bandwidth":-4`), a
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
		statetest.RoundTrip(t, gm, &got)
		statetest.SameOn(t, kind+" Predict", Xt, gm.Predict, got.Predict)
		statetest.SameOn(t, kind+" PredictProba", Xt, gm.PredictProba, got.PredictProba)
		statetest.SameOn(t, kind+" ScoreSamples", Xt, gm.ScoreSamples, got.ScoreSamples)
		b1, e1 := gm.BIC(Xt)
		b2, e2 := got.BIC(Xt)
		if e1 != nil || e2 != nil || math.Float64bits(b1) != math.Float64bits(b2) {
			t.Errorf("%s BIC: %v %v, %v %v", kind, b1, e1, b2, e2)
		}
		statetest.Corrupt(t, gm, statetest.New[cluster.GaussianMixture],
			[]string{"weights", "means", "covariances", "precisions_cholesky", "precisions"},
			map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
				"bad covariance type": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return statetest.Replace(p, `"`+kind+`"`, `"full2"`), a
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
	statetest.RoundTrip(t, gm, new(cluster.GaussianMixture))
}

func TestDBSCANState(t *testing.T) {
	db := cluster.NewDBSCAN()
	db.Eps = 1.5
	if err := db.Fit(blobs(80)); err != nil {
		t.Fatal(err)
	}
	var got cluster.DBSCAN
	statetest.RoundTrip(t, db, &got)
	statetest.Same(t, "Labels", db.Labels, got.Labels, nil, nil)
	statetest.Same(t, "Components", db.Components, got.Components, nil, nil)
	statetest.Corrupt(t, db, statetest.New[cluster.DBSCAN], []string{"labels", "core_sample_indices", "components"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label below -1":  labelOutOfRange(-2),
			"label too large": labelOutOfRange(80),
			"core out of range": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, statetest.SetInt64(a, "core_sample_indices", 0, 80)
			},
			"cores unsorted": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, statetest.SetInt64(a, "core_sample_indices", 1, 0)
			},
			"zero eps": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"eps":1.5`, `"eps":0`), a
			},
		})
}

func TestAgglomerativeState(t *testing.T) {
	a := cluster.NewAgglomerativeClustering(3)
	if err := a.Fit(blobs(40)); err != nil {
		t.Fatal(err)
	}
	var got cluster.AgglomerativeClustering
	statetest.RoundTrip(t, a, &got)
	statetest.Same(t, "Labels", a.Labels, got.Labels, nil, nil)
	if !slices.Equal(a.Children, got.Children) || !slices.Equal(a.Distances, got.Distances) {
		t.Error("Children or Distances differ after a round trip")
	}
	last := int(a.NLeaves-1)*2 - 1
	statetest.Corrupt(t, a, statetest.New[cluster.AgglomerativeClustering], []string{"labels", "children", "distances"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"forward child": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, statetest.SetInt64(a, "children", 0, 40)
			},
			"negative child": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, statetest.SetInt64(a, "children", 0, -1)
			},
			"child used twice": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return p, statetest.SetInt64(a, "children", last, a["children"].Int64s()[0])
			},
			"bad linkage": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"ward"`, `"wart"`), a
			},
			"too few leaves": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"n_leaves":40`, `"n_leaves":1`), a
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
	statetest.RoundTrip(t, sc, &got)
	statetest.Same(t, "Labels", sc.Labels, got.Labels, nil, nil)
	statetest.Same(t, "AffinityMatrix", sc.AffinityMatrix, got.AffinityMatrix, nil, nil)
	statetest.Corrupt(t, sc, statetest.New[cluster.SpectralClustering], []string{"labels", "affinity_matrix"},
		map[string]func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor){
			"label too large": labelOutOfRange(3),
			"bad affinity": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
				return statetest.Replace(p, `"rbf"`, `"cosine"`), a
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
	statetest.RoundTrip(t, db, new(cluster.DBSCAN))
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
	fresh := []func() statetest.Stater{
		statetest.New[cluster.KMeans], statetest.New[cluster.MiniBatchKMeans],
		statetest.New[cluster.MeanShift], statetest.New[cluster.GaussianMixture],
		statetest.New[cluster.DBSCAN], statetest.New[cluster.AgglomerativeClustering],
		statetest.New[cluster.SpectralClustering],
	}
	seeds := statetest.Fit(f, X, km, mb, ms, gm, db, ag, sc)
	statetest.FuzzParams(f, seeds, fresh, func(m statetest.Stater) {
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
