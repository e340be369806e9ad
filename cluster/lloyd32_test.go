package cluster_test

import (
	"math"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// TestKMeansFloat32InitCenters compares Lloyd's float32 path (given initial centres: X read
// as it is when its means are small, else a centred float32 copy) with the float64 fit.
func TestKMeansFloat32InitCenters(t *testing.T) {
	for _, offset := range []float64{0, 100} {
		X, _ := synth.Blobs(3000, synth.NumCenters(5), synth.Features(6), synth.ClusterStd(1.5), synth.Seed(4))
		X = X.AddScalar(offset)
		init := X.Narrow(0, 0, 5)
		var labels [2][]int64
		var inertia [2]float64
		for i, xt := range []*tensor.Tensor{X, X.Double()} {
			km := cluster.NewKMeans(5)
			km.InitCenters = init
			km.Tol = 0
			if err := km.Fit(xt); err != nil {
				t.Fatal(err)
			}
			labels[i], inertia[i] = km.Labels.Int64s(), km.Inertia
		}
		if r := math.Abs(inertia[0]-inertia[1]) / inertia[1]; r > 1e-6 {
			t.Errorf("offset %g: inertia float32 %v float64 %v", offset, inertia[0], inertia[1])
		}
		if ari := metrics.AdjustedRandScoreOf(ints(labels[0]), ints(labels[1])); ari != 1 {
			t.Errorf("offset %g: labellings differ: ARI %v", offset, ari)
		}
	}
}
