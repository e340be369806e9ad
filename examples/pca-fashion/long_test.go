//go:build long

package main

import (
	"math"
	"testing"
)

// TestFullRunIsAsStated runs the example (seed 1, all 60,000 images) and checks its claims —
// 50 components keep at least 85% of the variance, softmax regression on them is within 3
// points of the one on all pixels — and the figures its package comment prints. It needs
// Debian's dataset-fashion-mnist and fails without it.
func TestFullRunIsAsStated(t *testing.T) {
	res, err := Run("", 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Cumulative[50] < 0.85 {
		t.Errorf("50 components explain %.4f of the variance; the example claims at least 0.85", res.Cumulative[50])
	}
	if gap := res.AccuracyAll - res.AccuracyPCA50; gap > 0.03 {
		t.Errorf("accuracy on 50 components %.4f vs %.4f on all pixels: more than 3 points apart", res.AccuracyPCA50, res.AccuracyAll)
	}
	for k, want := range map[int]float64{2: 0.4679, 10: 0.7199, 50: 0.8627, 200: 0.9531} {
		if math.Abs(res.Cumulative[k]-want) > 5e-5 {
			t.Errorf("%d components explain %.4f, the example prints %.4f", k, res.Cumulative[k], want)
		}
	}
	for k, want := range map[int]float64{10: 0.02437, 50: 0.01195, 200: 0.00407} {
		if math.Abs(res.ReconError[k]-want) > 5e-6 {
			t.Errorf("reconstruction MSE with %d components %.5f, the example prints %.5f", k, res.ReconError[k], want)
		}
	}
	if math.Abs(res.AccuracyPCA50-0.8230) > 5e-5 || math.Abs(res.AccuracyAll-0.8417) > 5e-5 {
		t.Errorf("accuracies %.4f and %.4f, the example prints 0.8230 and 0.8417", res.AccuracyPCA50, res.AccuracyAll)
	}
}
