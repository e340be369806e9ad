package cluster_test

import (
	"fmt"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
)

func ExampleKMeans() {
	X, y := synth.Blobs(600, synth.NumCenters(4), synth.Seed(42))
	km := cluster.NewKMeans(4)
	km.RandomState = 42
	labels, err := km.FitPredict(X)
	if err != nil {
		panic(err)
	}
	ari, _ := metrics.AdjustedRandScore(y, labels)
	fmt.Printf("centres %v, ARI vs the true blobs %.2f\n", km.ClusterCenters.Shape(), ari)
	// Output: centres [4 2], ARI vs the true blobs 1.00
}

func ExampleMiniBatchKMeans() {
	X, y := synth.Blobs(5000, synth.NumCenters(3), synth.Seed(1))
	mb := cluster.NewMiniBatchKMeans(3)
	mb.BatchSize = 256
	labels, err := mb.FitPredict(X)
	if err != nil {
		panic(err)
	}
	ari, _ := metrics.AdjustedRandScore(y, labels)
	fmt.Printf("ARI %.2f\n", ari)
	// Output: ARI 1.00
}

func ExampleDBSCAN() {
	X, y := synth.Moons(400, synth.Noise(0.05), synth.Seed(0))
	db := cluster.NewDBSCAN()
	db.Eps = 0.2
	labels, err := db.FitPredict(X)
	if err != nil {
		panic(err)
	}
	ari, _ := metrics.AdjustedRandScore(y, labels)
	fmt.Printf("ARI %.2f\n", ari)
	// Output: ARI 1.00
}

func ExampleAgglomerativeClustering() {
	// Ward cuts the two moons across; single linkage follows each moon's chain of points.
	X, y := synth.Moons(300, synth.Noise(0.05), synth.Seed(3))
	for _, linkage := range []string{"ward", "single"} {
		ag := cluster.NewAgglomerativeClustering(2)
		ag.Linkage = linkage
		labels, err := ag.FitPredict(X)
		if err != nil {
			panic(err)
		}
		ari, _ := metrics.AdjustedRandScore(y, labels)
		fmt.Printf("%s ARI %.2f\n", linkage, ari)
	}
	// Output:
	// ward ARI 0.10
	// single ARI 1.00
}
