package bench

import (
	"os"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/decomp"
)

// BenchmarkSklearnKMeans fits the kmeans workload (100,000 × 50 float32, 8 clusters, 50 Lloyd
// iterations from the first 8 rows), reporting milliseconds per iteration; scikit-learn:
// scripts/sklearn_bench.py kmeans.
func BenchmarkSklearnKMeans(b *testing.B) {
	X := UniformData(100000, 50, 0)
	iters := 0
	for b.Loop() {
		km := KMeansWorkload(X)
		if err := km.Fit(X); err != nil {
			b.Fatal(err)
		}
		iters += km.NIter
	}
	b.ReportMetric(1000*b.Elapsed().Seconds()/float64(iters), "ms/iter")
}

// BenchmarkSklearnPCA fits PCA(50) (randomized solver) to Fashion-MNIST's 60,000 training
// images, reporting samples per second; scikit-learn: scripts/sklearn_bench.py pca.
func BenchmarkSklearnPCA(b *testing.B) {
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		b.Skip("Fashion-MNIST not installed")
	}
	train, _, err := data.LoadFashionMNIST("")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := decomp.NewPCA(50).Fit(train.X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(train.X.Size(0)*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkSklearnDBSCAN clusters the dbscan workload (20,000 2-D blobs, eps 0.3,
// min_samples 5), reporting samples per second; scikit-learn: scripts/sklearn_bench.py dbscan.
func BenchmarkSklearnDBSCAN(b *testing.B) {
	X := BlobData(20000, 0)
	for b.Loop() {
		db := cluster.NewDBSCAN()
		db.Eps, db.MinSamples = 0.3, 5
		if err := db.Fit(X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// TestSklearnData pins the first values of the generators that scripts/sklearn_bench.py
// reproduces with NumPy.
func TestSklearnData(t *testing.T) {
	u := UniformData(2, 3, 0).Float32s()
	if len(u) != 6 {
		t.Fatalf("len %d", len(u))
	}
	for i, v := range u {
		if v < 0 || v >= 1 || v != uniform01(0, uint64(i)) {
			t.Errorf("uniform[%d] = %v", i, v)
		}
	}
	if splitmix64(0, 0) != 0xE220A8397B1DCDAF {
		t.Errorf("splitmix64(0, 0) = %#x", splitmix64(0, 0))
	}
	x := BlobData(4, 0).Float32s()
	for i := range 4 {
		c := BlobCenters[i]
		if dx, dy := float64(x[2*i])-c[0], float64(x[2*i+1])-c[1]; dx*dx+dy*dy > 100 {
			t.Errorf("blob point %d = (%v, %v), far from %v", i, x[2*i], x[2*i+1], c)
		}
	}
}
