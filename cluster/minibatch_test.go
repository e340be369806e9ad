package cluster_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// TestMiniBatchKMeansPartialFitMatchesScikitLearn replays sklearn's partial_fit on five
// batches from the same initial centres (testdata/golden/gen_cluster.py): centres, labels,
// inertia and per-centre counts after every step, which pins the learning-rate update.
func TestMiniBatchKMeansPartialFitMatchesScikitLearn(t *testing.T) {
	for _, c := range load(t).MiniBatchPartial {
		mb := cluster.NewMiniBatchKMeans(len(c.Init))
		mb.InitCenters = tensor.FromRows(c.Init)
		mb.ReassignmentRatio = c.Ratio
		for s, want := range c.Steps {
			if err := mb.PartialFit(tensor.FromRows(c.X[40*s : 40*s+40])); err != nil {
				t.Fatal(err)
			}
			if !samePartition(want.Labels, mb.Labels.Int64s()) || !relClose(mb.Inertia, want.Inertia, 1e-10) {
				t.Errorf("%s step %d: inertia %v, sklearn %v (or labels differ)", c.Name, s, mb.Inertia, want.Inertia)
			}
			assertClose(t, c.Name+" centres", mb.ClusterCenters, tensor.FromRows(want.Centers))
		}
		if mb.NSteps != len(c.Steps) {
			t.Errorf("%s: NSteps %d", c.Name, mb.NSteps)
		}
	}
}

// TestMiniBatchKMeansFitMatchesScikitLearnStatistically compares Fit's inertia over 30
// seeds with sklearn's over 30 seeds (within 4 standard errors) and with full KMeans.
func TestMiniBatchKMeansFitMatchesScikitLearnStatistically(t *testing.T) {
	g := load(t).MiniBatchFit
	X := tensor.FromRows(g.X)
	mean := 0.0
	for seed := range uint64(30) {
		mb := cluster.NewMiniBatchKMeans(g.K)
		mb.BatchSize, mb.RandomState = g.BatchSize, seed
		if err := mb.Fit(X); err != nil {
			t.Fatal(err)
		}
		mean += mb.Inertia / 30
		if mb.NIter < 1 || mb.NIter > 100 || mb.NSteps < 2 {
			t.Errorf("seed %d: NIter %d NSteps %d", seed, mb.NIter, mb.NSteps)
		}
	}
	if math.Abs(mean-g.MeanInertia) > 4*g.StdInertia*math.Sqrt(2.0/30) {
		t.Errorf("mean inertia %v, sklearn %v ± %v", mean, g.MeanInertia, g.StdInertia)
	}
	if mean > 1.1*g.KMeansInertia {
		t.Errorf("mean inertia %v, full KMeans %v", mean, g.KMeansInertia)
	}
}

// TestMiniBatchKMeansTolAndPredict checks early stopping on Tol and Predict/Transform
// consistency with the fitted labels.
func TestMiniBatchKMeansTolAndPredict(t *testing.T) {
	g := load(t).MiniBatchFit
	X := tensor.FromRows(g.X)
	mb := cluster.NewMiniBatchKMeans(g.K)
	mb.BatchSize, mb.Tol, mb.MaxNoImprovement = 256, 1e-2, 0
	labels, err := mb.FitPredict(X)
	if err != nil {
		t.Fatal(err)
	}
	if full := 100 * 2000 / 256; mb.NSteps >= full {
		t.Errorf("Tol did not stop early: %d steps", mb.NSteps)
	}
	pred, err := mb.Predict(X)
	if err != nil || !slices.Equal(pred.Int64s(), labels.Int64s()) {
		t.Errorf("Predict differs from Labels: %v", err)
	}
	dist, err := mb.Transform(X.Narrow(0, 0, 3))
	if err != nil || !slices.Equal(dist.Shape(), []int{3, g.K}) {
		t.Errorf("Transform: %v %v", dist, err)
	}
	if ari := metrics.AdjustedRandScoreOf(ints(labels.Int64s()), g.Y); ari < 0.5 {
		t.Errorf("ARI vs true blobs %v", ari)
	}
}

func TestMiniBatchKMeansRejectsBadInput(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 0}, {1, 1}, {2, 2}})
	for name, set := range map[string]func(*cluster.MiniBatchKMeans){
		"k zero":     func(m *cluster.MiniBatchKMeans) { m.NClusters = 0 },
		"k > n":      func(m *cluster.MiniBatchKMeans) { m.NClusters = 4 },
		"batch":      func(m *cluster.MiniBatchKMeans) { m.BatchSize = 0 },
		"ratio":      func(m *cluster.MiniBatchKMeans) { m.ReassignmentRatio = -1 },
		"init":       func(m *cluster.MiniBatchKMeans) { m.Init = "nope" },
		"init shape": func(m *cluster.MiniBatchKMeans) { m.InitCenters = tensor.Zeros(2, 3) },
	} {
		mb := cluster.NewMiniBatchKMeans(2)
		set(mb)
		if err := mb.Fit(X); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := mb.Predict(X); err == nil { // a failed Fit leaves it unfitted
			t.Errorf("%s: predict after a failed fit: no error", name)
		}
	}
	mb := cluster.NewMiniBatchKMeans(2)
	if err := mb.Fit(tensor.FromRows([][]float64{{0, math.Inf(1)}, {1, 1}})); err == nil {
		t.Error("inf: no error")
	}
	if _, err := mb.Predict(X); err == nil {
		t.Error("predict before fit: no error")
	}
	if err := mb.PartialFit(X); err != nil {
		t.Fatal(err)
	}
	if err := mb.PartialFit(tensor.Zeros(3, 5)); err == nil {
		t.Error("partial fit with other features: no error")
	}
}
