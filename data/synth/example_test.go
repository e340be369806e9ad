package synth_test

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/data/synth"
)

// Circles without noise: the outer circle has radius 1 and the inner one radius Factor.
func ExampleCircles() {
	X, y := synth.Circles(100, synth.Factor(0.5), synth.Seed(0))
	fmt.Println(X.Shape(), y.Shape())
	radius := map[int64]float64{}
	count := map[int64]int{}
	for i, l := range y.Int64s() {
		radius[l] = math.Round(100*math.Hypot(X.At(i, 0), X.At(i, 1))) / 100
		count[l]++
	}
	fmt.Println("label 0:", count[0], "points at radius", radius[0])
	fmt.Println("label 1:", count[1], "points at radius", radius[1])
	// Output:
	// [100 2] [100]
	// label 0: 50 points at radius 1
	// label 1: 50 points at radius 0.5
}

// Blobs splits the points as evenly as possible between the centres.
func ExampleBlobs() {
	X, y := synth.Blobs(10, synth.Centers([][]float64{{0, 0}, {5, 5}, {-5, 5}}), synth.ClusterStd(0.1), synth.Seed(3))
	count := make([]int, 3)
	for _, l := range y.Int64s() {
		count[l]++
	}
	fmt.Println(X.Shape(), count)
	// Output: [10 2] [4 3 3]
}

func ExampleRegression() {
	X, y := synth.Regression(20, synth.Features(3), synth.Seed(1))
	fmt.Println(X.Shape(), y.Shape())
	// Output: [20 3] [20]
}
