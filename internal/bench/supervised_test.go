package bench

import (
	"slices"
	"testing"
)

// TestClassifDataMatchesNumPy pins ClassifData to scripts/sklearn_bench.py's classif_data:
// for 1,000 × 20 rows of seed 0 NumPy gives 370 positive labels, these first 20 and this sum of X.
func TestClassifDataMatchesNumPy(t *testing.T) {
	X, y := ClassifData(1000, 20, 0)
	labels := y.Int64s()
	pos := int64(0)
	for _, v := range labels {
		pos += v
	}
	want := []int64{1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0}
	if pos != 370 || !slices.Equal(labels[:20], want) {
		t.Errorf("labels: %d positive, first %v; NumPy: 370, %v", pos, labels[:20], want)
	}
	sum := 0.0
	for _, v := range X.Float32s() {
		sum += float64(v)
	}
	if d := sum - 9953.0791015625; d > 1e-3 || d < -1e-3 {
		t.Errorf("sum of X %.10g, NumPy (float32 sum) 9953.0791015625", sum)
	}
}
