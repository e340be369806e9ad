package main

import (
	"os"
	"testing"

	"github.com/ember-ml/ember/data"
)

// TestLearnsOnASlice trains briefly on 3,000 images: a smoke test that learning happens (the
// full run's accuracy is stated in the package comment).
func TestLearnsOnASlice(t *testing.T) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	acc, err := Run("", 2, 3000, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.5 {
		t.Fatalf("test accuracy %.4f after 2 epochs on 3,000 images; chance is 0.10", acc)
	}
}
