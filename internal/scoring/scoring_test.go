package scoring_test

import (
	"testing"

	"github.com/ember-ml/ember/internal/scoring"
)

// TestR2 checks scikit-learn's r2_score values, constant targets included:
// r2_score([1, 2, 3], [1, 2, 4]) = 0.5; a constant y scores 1.0 if predicted exactly, else 0.0.
func TestR2(t *testing.T) {
	for _, c := range []struct {
		y, p []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 4}, 0.5},
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 1},
		{[]float64{2, 2}, []float64{2, 2}, 1},
		{[]float64{2, 2}, []float64{2, 3}, 0},
	} {
		if got := scoring.R2(c.y, c.p); got != c.want {
			t.Errorf("R2(%v, %v) = %v, want %v", c.y, c.p, got, c.want)
		}
	}
}

func TestAccuracy(t *testing.T) {
	if got := scoring.Accuracy([]float64{0, 1, 2, 1}, []float64{0, 1, 1, 1}); got != 0.75 {
		t.Errorf("Accuracy = %v, want 0.75", got)
	}
}
