package synth_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/data/synth"
)

func TestCirclesFollowsScikitLearn(t *testing.T) {
	X, y := synth.Circles(101, synth.NoShuffle(), synth.Factor(0.5))
	labels := y.Int64s()
	// n_samples_out = n // 2 = 50 on the outer circle, the other 51 on the inner one.
	outer := 0
	for i, l := range labels {
		r := math.Hypot(X.At(i, 0), X.At(i, 1))
		want := 1.0
		if l == 1 {
			want = 0.5
		} else {
			outer++
		}
		if math.Abs(r-want) > 1e-6 {
			t.Fatalf("point %d (label %d) has radius %v, want %v", i, l, r, want)
		}
	}
	if outer != 50 || labels[0] != 0 || labels[100] != 1 {
		t.Fatalf("%d outer points, want 50 first", outer)
	}
	// First outer point at angle 0, evenly spaced without the endpoint.
	if X.At(0, 0) != 1 || math.Abs(X.At(1, 0)-math.Cos(2*math.Pi/50)) > 1e-6 {
		t.Fatalf("angles: %v %v", X.At(0, 0), X.At(1, 0))
	}
	a, ya := synth.Circles(200, synth.Noise(0.1), synth.Seed(5))
	b, yb := synth.Circles(200, synth.Noise(0.1), synth.Seed(5))
	if !slices.Equal(a.Float32s(), b.Float32s()) || !slices.Equal(ya.Int64s(), yb.Int64s()) {
		t.Fatal("same seed gave different data")
	}
	c, _ := synth.Circles(200, synth.Noise(0.1), synth.Seed(6))
	if slices.Equal(a.Float32s(), c.Float32s()) {
		t.Fatal("different seeds gave the same data")
	}
}

func TestGeneratorsShapesAndLabels(t *testing.T) {
	for _, name := range synth.Names {
		X, y, task, ok := synth.ByName(name, 101, 0.1, 3)
		if !ok {
			t.Fatalf("%s unknown", name)
		}
		if X.Size(0) != 101 || y.Size(0) != 101 {
			t.Fatalf("%s: shapes %v %v", name, X.Shape(), y.Shape())
		}
		for _, v := range X.Float64s() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: non-finite feature", name)
			}
		}
		if task == synth.TaskClassification {
			seen := map[int64]int{}
			for _, l := range y.Int64s() {
				seen[l]++
			}
			if len(seen) < 2 {
				t.Fatalf("%s: only classes %v", name, seen)
			}
		}
	}
	_, y := synth.Blobs(10, synth.NumCenters(3))
	count := map[int64]int{}
	for _, l := range y.Int64s() {
		count[l]++
	}
	if count[0] != 4 || count[1] != 3 || count[2] != 3 {
		t.Fatalf("blobs split %v, want 4/3/3 like make_blobs", count)
	}
	_, _, _, ok := synth.ByName("nope", 10, 0, 0)
	if ok {
		t.Fatal("unknown name accepted")
	}
}

func TestMoonsGeometry(t *testing.T) {
	X, y := synth.Moons(20, synth.NoShuffle())
	if y.Int64s()[0] != 0 || X.At(0, 0) != 1 || X.At(0, 1) != 0 {
		t.Fatalf("first outer point %v,%v", X.At(0, 0), X.At(0, 1))
	}
	if math.Abs(X.At(10, 0)-0) > 1e-6 || math.Abs(X.At(10, 1)-0.5) > 1e-6 {
		t.Fatalf("first inner point %v,%v, want 0, 0.5", X.At(10, 0), X.At(10, 1))
	}
}
