package cluster_test

import (
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data/synth"
)

// BenchmarkKMeans fits 8 clusters to 20,000 samples with 8 features (one k-means++ run),
// reporting samples per second; compare sklearn with KMeans(8, n_init=1).fit on the same
// shape.
func BenchmarkKMeans(b *testing.B) {
	for _, algo := range []string{"lloyd", "elkan"} {
		b.Run(algo, func(b *testing.B) {
			X, _ := synth.Blobs(20000, synth.NumCenters(8), synth.Features(8), synth.ClusterStd(3), synth.Seed(1))
			for b.Loop() {
				km := cluster.NewKMeans(8)
				km.NInit, km.Algorithm = 1, algo
				if err := km.Fit(X); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkDBSCAN clusters 20,000 2-D samples, reporting samples per second.
func BenchmarkDBSCAN(b *testing.B) {
	X, _ := synth.Blobs(20000, synth.NumCenters(4), synth.Seed(5))
	for b.Loop() {
		db := cluster.NewDBSCAN()
		db.Eps = 0.2
		if err := db.Fit(X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkAgglomerativeWard builds the ward tree of 2,000 samples, reporting samples per
// second.
func BenchmarkAgglomerativeWard(b *testing.B) {
	X, _ := synth.Blobs(2000, synth.NumCenters(5), synth.Features(4), synth.Seed(2))
	for b.Loop() {
		if err := cluster.NewAgglomerativeClustering(5).Fit(X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "samples/s")
}
