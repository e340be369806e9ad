package cluster_test

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type kmeansCase struct {
	Name      string
	Algorithm string
	X         [][]float64
	Init      [][]float64
	MaxIter   int `json:"max_iter"`
	Tol       float64
	Labels    []int
	Centers   [][]float64
	Inertia   float64
	NIter     int         `json:"n_iter"`
	PredictX  [][]float64 `json:"predict_X"`
	Transform [][]float64
}

type golden struct {
	KMeans   []kmeansCase `json:"kmeans"`
	PlusPlus []struct {
		Name             string
		K                int
		BestOf10         float64 `json:"best_of_10"`
		MeanSingle       float64 `json:"mean_single"`
		MeanSingleRandom float64 `json:"mean_single_random"`
		StdSingle        float64 `json:"std_single"`
		StdSingleRandom  float64 `json:"std_single_random"`
	} `json:"kmeans_plusplus"`
	MiniBatchPartial []struct {
		Name  string
		X     [][]float64
		Init  [][]float64
		Ratio float64
		Steps []struct {
			Centers [][]float64
			Labels  []int
			Inertia float64
			Counts  []float64
		}
	} `json:"minibatch_partial"`
	MiniBatchFit struct {
		X             [][]float64
		Y             []int
		K             int
		BatchSize     int     `json:"batch_size"`
		MeanInertia   float64 `json:"mean_inertia"`
		StdInertia    float64 `json:"std_inertia"`
		KMeansInertia float64 `json:"kmeans_inertia"`
	} `json:"minibatch_fit"`
	DBSCAN []struct {
		Name       string
		X          [][]float64
		Eps        float64
		MinSamples int `json:"min_samples"`
		Labels     []int
		Core       []int
	} `json:"dbscan"`
	Agglomerative []struct {
		Name      string
		X         [][]float64
		K         int
		Linkage   string
		Labels    []int
		Children  [][2]int
		Distances []float64
	} `json:"agglomerative"`
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

func load(t *testing.T) golden {
	t.Helper()
	goldenOnce.Do(func() {
		goldenErr = tensortest.LoadJSON("../testdata/golden/cluster.json", &goldenData)
	})
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenData
}

// samePartition reports whether two labellings are equal up to a renaming of labels.
func samePartition(a []int, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[int]int64{}, map[int64]int{}
	for i := range a {
		if v, ok := ab[a[i]]; ok && v != b[i] {
			return false
		}
		if v, ok := ba[b[i]]; ok && v != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestKMeansMatchesScikitLearn replays sklearn's KMeans from the same initial centres
// (testdata/golden/gen_cluster.py): identical labels, centres, inertia, iteration count,
// Predict and Transform, for Lloyd and Elkan, including a run stopped by MaxIter, a run
// stopped by Tol and a run whose empty cluster is relocated.
func TestKMeansMatchesScikitLearn(t *testing.T) {
	for _, c := range load(t).KMeans {
		km := cluster.NewKMeans(len(c.Init))
		km.InitCenters = tensor.FromRows(c.Init)
		km.MaxIter, km.Tol, km.Algorithm = c.MaxIter, c.Tol, c.Algorithm
		km.NInit = 5 // ignored with InitCenters, as in scikit-learn
		if err := km.Fit(tensor.FromRows(c.X)); err != nil {
			t.Fatalf("%s %s: %v", c.Name, c.Algorithm, err)
		}
		name := c.Name + " " + c.Algorithm
		if !samePartition(c.Labels, km.Labels.Int64s()) {
			t.Errorf("%s: labels differ from sklearn's", name)
		}
		if !relClose(km.Inertia, c.Inertia, 1e-10) || km.NIter != c.NIter {
			t.Errorf("%s: inertia %v in %d iterations; sklearn %v in %d", name, km.Inertia, km.NIter, c.Inertia, c.NIter)
		}
		assertClose(t, name+" centres", km.ClusterCenters, tensor.FromRows(c.Centers))
		pred, err := km.Predict(tensor.FromRows(c.PredictX))
		if err != nil || !samePartition(c.Labels[:len(c.PredictX)], pred.Int64s()) {
			t.Errorf("%s: predict %v, %v", name, pred, err)
		}
		tr, err := km.Transform(tensor.FromRows(c.PredictX))
		if err != nil {
			t.Fatal(err)
		}
		assertClose(t, name+" transform", tr, tensor.FromRows(c.Transform))
	}
}

// TestKMeansPlusPlusMatchesScikitLearnStatistically compares k-means++ (the default) with
// sklearn's: the best of 10 runs reaches sklearn's best inertia within 1%, and the mean
// inertia of 100 single runs, k-means++ or random initialisation, is within 4 standard
// errors of sklearn's mean over 100 seeds.
func TestKMeansPlusPlusMatchesScikitLearnStatistically(t *testing.T) {
	g := load(t)
	for _, c := range g.PlusPlus {
		X := datasetOf(g, c.Name)
		km := cluster.NewKMeans(c.K)
		if err := km.Fit(X); err != nil {
			t.Fatal(err)
		}
		if km.Inertia > c.BestOf10*1.01 {
			t.Errorf("%s: best of 10 inertia %v, sklearn %v", c.Name, km.Inertia, c.BestOf10)
		}
		for _, init := range []string{"k-means++", "random"} {
			mean := 0.0
			for seed := range uint64(100) {
				km := cluster.NewKMeans(c.K)
				km.NInit, km.RandomState, km.Init = 1, seed, init
				if err := km.Fit(X); err != nil {
					t.Fatal(err)
				}
				mean += km.Inertia / 100
			}
			want, std := c.MeanSingle, c.StdSingle
			if init == "random" {
				want, std = c.MeanSingleRandom, c.StdSingleRandom
			}
			// Both means are over 100 runs: allow 4 standard errors of their difference.
			if math.Abs(mean-want) > 4*std*math.Sqrt(2.0/100)+1e-6*want {
				t.Errorf("%s %s: mean single-run inertia %v, sklearn %v", c.Name, init, mean, want)
			}
		}
	}
}

// datasetOf returns the X of the first KMeans golden case with the given name.
func datasetOf(g golden, name string) *tensor.Tensor {
	for _, c := range g.KMeans {
		if c.Name == name {
			return tensor.FromRows(c.X)
		}
	}
	panic("no dataset " + name)
}

// TestKMeansElkanEqualsLloyd checks that both algorithms give the same clustering on blobs
// with k-means++ initialisation, float32 input included.
func TestKMeansElkanEqualsLloyd(t *testing.T) {
	X, _ := synth.Blobs(2000, synth.NumCenters(6), synth.Features(4), synth.ClusterStd(2), synth.Seed(3))
	var inertia [2]float64
	var labels [2][]int64
	for i, algo := range []string{"lloyd", "elkan"} {
		km := cluster.NewKMeans(6)
		km.Algorithm, km.NInit = algo, 3
		if err := km.Fit(X); err != nil {
			t.Fatal(err)
		}
		inertia[i], labels[i] = km.Inertia, km.Labels.Int64s()
	}
	if !relClose(inertia[0], inertia[1], 1e-10) {
		t.Errorf("inertia lloyd %v elkan %v", inertia[0], inertia[1])
	}
	ari := metrics.AdjustedRandScoreOf(ints(labels[0]), ints(labels[1]))
	if ari != 1 {
		t.Errorf("lloyd and elkan labellings differ: ARI %v", ari)
	}
}

func ints(v []int64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// TestKMeansIsDeterministic checks that a seed gives the same result twice.
func TestKMeansIsDeterministic(t *testing.T) {
	X, _ := synth.Blobs(500, synth.NumCenters(5), synth.Seed(9))
	var in [2]float64
	for i := range in {
		km := cluster.NewKMeans(5)
		km.RandomState = 7
		if err := km.Fit(X); err != nil {
			t.Fatal(err)
		}
		in[i] = km.Inertia
	}
	if in[0] != in[1] {
		t.Errorf("inertias %v and %v differ", in[0], in[1])
	}
}

func TestKMeansRejectsBadInput(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 2}})
	nan := tensor.FromRows([][]float64{{0, 0}, {math.NaN(), 1}, {2, 2}})
	cases := map[string]struct {
		X   *tensor.Tensor
		set func(*cluster.KMeans)
	}{
		"k zero":            {X, func(k *cluster.KMeans) { k.NClusters = 0 }},
		"k negative":        {X, func(k *cluster.KMeans) { k.NClusters = -2 }},
		"more clusters":     {X, func(k *cluster.KMeans) { k.NClusters = 4 }},
		"nan":               {nan, nil},
		"1-D":               {tensor.FromSlice([]float64{1, 2, 3}), nil},
		"3-D":               {tensor.Zeros(3, 2, 1), nil},
		"nil":               {nil, nil},
		"init name":         {X, func(k *cluster.KMeans) { k.Init = "kmeans++" }},
		"algorithm":         {X, func(k *cluster.KMeans) { k.Algorithm = "full" }},
		"n_init":            {X, func(k *cluster.KMeans) { k.NInit = 0 }},
		"max_iter":          {X, func(k *cluster.KMeans) { k.MaxIter = 0 }},
		"tol":               {X, func(k *cluster.KMeans) { k.Tol = -1 }},
		"init centres rows": {X, func(k *cluster.KMeans) { k.InitCenters = tensor.Zeros(3, 2) }},
		"init centres nan":  {X, func(k *cluster.KMeans) { k.InitCenters = nan.Narrow(0, 0, 2) }},
	}
	for name, c := range cases {
		km := cluster.NewKMeans(2)
		if c.set != nil {
			c.set(km)
		}
		if err := km.Fit(c.X); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	km := cluster.NewKMeans(2)
	if _, err := km.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("predict before fit: %v", err)
	}
	if err := km.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := km.Transform(tensor.Zeros(2, 3)); err == nil {
		t.Error("transform with 3 features: no error")
	}
}

// TestKMeansDuplicatePoints fits more clusters than distinct points: no panic, zero inertia.
func TestKMeansDuplicatePoints(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, 1}, {1, 1}, {1, 1}, {2, 2}, {2, 2}})
	for _, algo := range []string{"lloyd", "elkan"} {
		km := cluster.NewKMeans(3)
		km.Algorithm = algo
		labels, err := km.FitPredict(X)
		if err != nil {
			t.Fatal(err)
		}
		if km.Inertia != 0 || labels.Numel() != 5 {
			t.Errorf("%s: inertia %v labels %v", algo, km.Inertia, labels)
		}
	}
}

func assertClose(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	if err := tensortest.Close(got, want, 1e-9, 1e-9); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}
