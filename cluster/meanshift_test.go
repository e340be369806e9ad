package cluster_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type meanShiftCase struct {
	Name       string
	X          [][]float64
	Bandwidth  float64
	BinSeeding bool `json:"bin_seeding"`
	ClusterAll bool `json:"cluster_all"`
	MinBinFreq int  `json:"min_bin_freq"`
	Centers    [][]float64
	Labels     []int64
	NIter      int         `json:"n_iter"`
	PredictX   [][]float64 `json:"predict_X"`
	Predict    []int64
}

// TestMeanShiftMatchesScikitLearn replays sklearn's MeanShift (deterministic): the same
// centres in the same order within 1e-8, identical labels (−1 included), iteration count
// and Predict, with an estimated or given bandwidth, with and without bin seeding (MinBinFreq 1, 3
// and 5), with ClusterAll false.
func TestMeanShiftMatchesScikitLearn(t *testing.T) {
	for _, c := range loadMore(t).MeanShift {
		ms := cluster.NewMeanShift()
		ms.Bandwidth, ms.BinSeeding, ms.ClusterAll, ms.MinBinFreq = c.Bandwidth, c.BinSeeding, c.ClusterAll, c.MinBinFreq
		if err := ms.Fit(tensor.FromRows(c.X)); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if err := tensortest.Close(ms.ClusterCenters, tensor.FromRows(c.Centers), 1e-8, 1e-8); err != nil {
			t.Errorf("%s: centres: %v", c.Name, err)
		}
		if !slices.Equal(ms.Labels.Int64s(), c.Labels) {
			t.Errorf("%s: labels differ from sklearn's", c.Name)
		}
		if ms.NIter != c.NIter {
			t.Errorf("%s: NIter %d, sklearn %d", c.Name, ms.NIter, c.NIter)
		}
		pred, err := ms.Predict(tensor.FromRows(c.PredictX))
		if err != nil || !slices.Equal(pred.Int64s(), c.Predict) {
			t.Errorf("%s: predict %v (%v), sklearn %v", c.Name, pred, err, c.Predict)
		}
	}
}

// TestEstimateBandwidthMatchesScikitLearn: sklearn's estimate_bandwidth within 1e-10
// (relative), for several quantiles, including k = 1 (the sample itself: 0).
func TestEstimateBandwidthMatchesScikitLearn(t *testing.T) {
	for _, c := range loadMore(t).EstimateBandwidth {
		got, err := cluster.EstimateBandwidth(tensor.FromRows(c.X), c.Quantile)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if math.Abs(got-c.Bandwidth) > 1e-10*math.Max(1, c.Bandwidth) {
			t.Errorf("%s: bandwidth %v, sklearn %v", c.Name, got, c.Bandwidth)
		}
	}
}

// TestMeanShiftSeeds: explicit seeds start the shifts; two seeds in one blob give one centre.
func TestMeanShiftSeeds(t *testing.T) {
	X, y := synth.Blobs(300, synth.Centers([][]float64{{0, 0}, {10, 10}}), synth.Seed(2))
	ms := cluster.NewMeanShift()
	ms.Bandwidth = 3
	ms.Seeds = tensor.FromRows([][]float64{{0.5, 0}, {0, 0.5}, {9, 9}})
	labels, err := ms.FitPredict(X)
	if err != nil {
		t.Fatal(err)
	}
	if got := ms.ClusterCenters.Shape(); got[0] != 2 {
		t.Fatalf("centres %v, want 2", ms.ClusterCenters)
	}
	if ari, _ := metrics.AdjustedRandScore(y, labels); ari != 1 {
		t.Errorf("ARI %v", ari)
	}
}

func TestMeanShiftErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 2}})
	cases := []struct {
		name string
		set  func(*cluster.MeanShift)
		X    *tensor.Tensor
		want string
	}{
		{"negative bandwidth", func(m *cluster.MeanShift) { m.Bandwidth = -1 }, X, "Bandwidth"},
		{"nan bandwidth", func(m *cluster.MeanShift) { m.Bandwidth = math.NaN() }, X, "Bandwidth"},
		{"bin freq", func(m *cluster.MeanShift) { m.MinBinFreq = 0 }, X, "MinBinFreq"},
		{"max iter", func(m *cluster.MeanShift) { m.MaxIter = 0 }, X, "MaxIter"},
		{"seed dims", func(m *cluster.MeanShift) { m.Bandwidth, m.Seeds = 1, tensor.FromRows([][]float64{{1, 2, 3}}) }, X, "features"},
		{"far seeds", func(m *cluster.MeanShift) {
			m.Bandwidth, m.Seeds = 0.5, tensor.FromRows([][]float64{{100, 100}})
		}, X, "no sample"},
		{"duplicates", func(*cluster.MeanShift) {}, tensor.FromRows([][]float64{{1, 1}, {1, 1}, {1, 1}}), "estimated bandwidth is 0"},
		{"nan", func(*cluster.MeanShift) {}, tensor.FromRows([][]float64{{math.NaN(), 1}}), "NaN"},
		{"1-D", func(*cluster.MeanShift) {}, tensor.FromSlice([]float64{1, 2}, 2), "2-D"},
	}
	for _, c := range cases {
		ms := cluster.NewMeanShift()
		c.set(ms)
		if err := ms.Fit(c.X); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	ms := cluster.NewMeanShift()
	if _, err := ms.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("predict before fit: %v", err)
	}
	ms.Bandwidth = 1
	if err := ms.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := ms.Predict(tensor.FromRows([][]float64{{1, 2, 3}})); err == nil {
		t.Error("predict with wrong dims: no error")
	}
	for _, q := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := cluster.EstimateBandwidth(X, q); err == nil {
			t.Errorf("quantile %v: no error", q)
		}
	}
}
