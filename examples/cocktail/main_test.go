package main

import (
	"math"
	"testing"
)

// TestSeparationIsAsStated runs the example (seed 0) and checks its stated result: FastICA
// recovers every source with |correlation| ≥ 0.99, PCA does not, with the figures printed in
// the package comment.
func TestSeparationIsAsStated(t *testing.T) {
	S, X := Mix(0)
	ica, pca, err := Separate(S, X)
	if err != nil {
		t.Fatal(err)
	}
	wantICA, wantPCA := []float64{0.9955, 0.9993, 0.9960}, []float64{0.6882, 0.8031, 0.7317}
	for i := range ica {
		if ica[i] < 0.99 || math.Abs(ica[i]-wantICA[i]) > 5e-5 {
			t.Errorf("source %d: FastICA %.4f, the example states %.4f (≥ 0.99)", i, ica[i], wantICA[i])
		}
		if pca[i] > 0.95 || math.Abs(pca[i]-wantPCA[i]) > 5e-5 {
			t.Errorf("source %d: PCA %.4f, the example states %.4f", i, pca[i], wantPCA[i])
		}
	}
}
