package cluster_test

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
)

func ExampleSpectralClustering() {
	// KMeans cuts concentric circles in half (ARI slightly below 0, chance level); the rbf
	// affinity follows each ring.
	X, y := synth.Circles(400, synth.Noise(0.05), synth.Factor(0.5), synth.Seed(0))
	km := cluster.NewKMeans(2)
	kmLabels, err := km.FitPredict(X)
	if err != nil {
		panic(err)
	}
	sc := cluster.NewSpectralClustering(2)
	sc.Gamma = 50
	scLabels, err := sc.FitPredict(X)
	if err != nil {
		panic(err)
	}
	kmARI, _ := metrics.AdjustedRandScore(y, kmLabels)
	scARI, _ := metrics.AdjustedRandScore(y, scLabels)
	fmt.Printf("KMeans ARI %.2f, spectral ARI %.2f\n", kmARI, scARI)
	// Output: KMeans ARI -0.00, spectral ARI 1.00
}

func ExampleMeanShift() {
	// The bandwidth is estimated from the data; the number of clusters is found, not given.
	X, y := synth.Blobs(500, synth.NumCenters(3), synth.ClusterStd(0.5), synth.Seed(6))
	ms := cluster.NewMeanShift()
	ms.BinSeeding = true
	labels, err := ms.FitPredict(X)
	if err != nil {
		panic(err)
	}
	ari, _ := metrics.AdjustedRandScore(y, labels)
	fmt.Printf("%d clusters, ARI %.2f\n", ms.ClusterCenters.Size(0), ari)
	// Output: 3 clusters, ARI 1.00
}

func ExampleEstimateBandwidth() {
	X, _ := synth.Blobs(300, synth.NumCenters(2), synth.Seed(1))
	bw, err := cluster.EstimateBandwidth(X, 0.3)
	if err != nil {
		panic(err)
	}
	fmt.Printf("bandwidth %.3f\n", bw)
	// Output: bandwidth 1.928
}

func ExampleGaussianMixture() {
	// The Bayesian information criterion picks the number of components.
	X, _ := synth.Blobs(600, synth.Centers([][]float64{{0, 0}, {8, 0}, {0, 8}, {8, 8}}), synth.Seed(2))
	bestK, bestBIC := 0, math.Inf(1)
	for k := 1; k <= 6; k++ {
		gm := cluster.NewGaussianMixture(k)
		if err := gm.Fit(X); err != nil {
			panic(err)
		}
		if bic, _ := gm.BIC(X); bic < bestBIC {
			bestK, bestBIC = k, bic
		}
	}
	fmt.Printf("BIC chooses %d components\n", bestK)
	// Output: BIC chooses 4 components
}
