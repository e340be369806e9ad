package bench

import (
	"math"
	"time"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

// The scikit-learn workloads: the same definitions as scripts/sklearn_bench.py, which builds
// bit-identical data with NumPy. Each fits once untimed (warm-up), then Repeat timed fits;
// the median fit is reported as fit_s (seconds).
//
//	kmeans  KMeans(8 clusters, n_init 1, Lloyd, max_iter 50, tol 0) on 100,000 × 50 float32
//	        uniform [0, 1) values (UniformData), from the first 8 rows as initial centres, so
//	        that both sides run the same 50 iterations; also reports ms_per_iter.
//	pca     PCA(50 components, solver "auto": randomized, 7 power iterations) of
//	        Fashion-MNIST's 60,000 × 784 training images (float32 pixels / 255).
//	dbscan  DBSCAN(eps 0.3, min_samples 5) on 20,000 × 2 float32 blobs (BlobData).

// splitmix64 returns the i-th output of SplitMix64 seeded with seed.
func splitmix64(seed, i uint64) uint64 {
	z := seed + (i+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// uniform01 returns the i-th uniform value in [0, 1) of seed: the top 24 bits of
// splitmix64(seed, i) over 2²⁴, exact in float32.
func uniform01(seed, i uint64) float32 { return float32(splitmix64(seed, i)>>40) / (1 << 24) }

// UniformData returns n × d float32 values uniform in [0, 1): element e (row-major) is
// uniform01(seed, e).
func UniformData(n, d int, seed uint64) *tensor.Tensor {
	x := make([]float32, n*d)
	for i := range x {
		x[i] = uniform01(seed, uint64(i))
	}
	return tensor.FromSlice(x, n, d)
}

// BlobCenters are the four centres of BlobData.
var BlobCenters = [4][2]float64{{-5, -5}, {5, 5}, {-5, 5}, {5, -5}}

// BlobData returns n 2-D float32 points: point i is BlobCenters[i mod 4] plus a standard
// normal pair from the Box–Muller transform of u1 = 1 − uniform01(seed, 2i) and
// u2 = uniform01(seed, 2i+1): r = √(−2 ln u1), (r cos 2πu2, r sin 2πu2), computed in float64.
func BlobData(n int, seed uint64) *tensor.Tensor {
	x := make([]float32, 2*n)
	for i := range n {
		u1 := 1 - float64(uniform01(seed, uint64(2*i)))
		u2 := float64(uniform01(seed, uint64(2*i+1)))
		r := math.Sqrt(-2 * math.Log(u1))
		c := BlobCenters[i%4]
		x[2*i] = float32(c[0] + r*math.Cos(2*math.Pi*u2))
		x[2*i+1] = float32(c[1] + r*math.Sin(2*math.Pi*u2))
	}
	return tensor.FromSlice(x, n, 2)
}

// timeFits runs fit once untimed and then repeat times, returning the median seconds.
func timeFits(repeat int, fit func() error) (float64, error) {
	if err := fit(); err != nil {
		return 0, err
	}
	var secs []float64
	for range repeat {
		t := time.Now()
		if err := fit(); err != nil {
			return 0, err
		}
		secs = append(secs, time.Since(t).Seconds())
	}
	return median(secs), nil
}

// KMeansWorkload returns the kmeans workload's estimator: KMeans(8), one Lloyd run from the
// first 8 rows of X, 50 iterations at most, tol 0.
func KMeansWorkload(X *tensor.Tensor) *cluster.KMeans {
	km := cluster.NewKMeans(8)
	km.InitCenters = X.Narrow(0, 0, 8)
	km.NInit, km.MaxIter, km.Tol, km.Algorithm = 1, 50, 0, "lloyd"
	return km
}

func kmeansBench(o Options) (Result, error) {
	const n, d = 100000, 50
	X := UniformData(n, d, o.Seed)
	var km *cluster.KMeans
	s, err := timeFits(o.Repeat, func() error {
		km = KMeansWorkload(X)
		return km.Fit(X)
	})
	if err != nil {
		return nil, err
	}
	return Result{"samples": n, "features": d, "clusters": 8, "max_iter": 50, "fit_s": s, "n_iter": km.NIter,
		"ms_per_iter": 1000 * s / float64(km.NIter), "inertia": km.Inertia, "repeats": o.Repeat}, nil
}

func pcaBench(o Options) (Result, error) {
	t0 := time.Now()
	train, _, err := data.LoadFashionMNIST(o.FashionDir)
	if err != nil {
		return nil, err
	}
	loadS := time.Since(t0).Seconds()
	X := train.X
	var p *decomp.PCA
	s, err := timeFits(o.Repeat, func() error {
		p = decomp.NewPCA(50)
		p.RandomState = o.Seed
		return p.Fit(X)
	})
	if err != nil {
		return nil, err
	}
	ratio := 0.0
	for _, v := range p.ExplainedVarianceRatio.Float64s() {
		ratio += v
	}
	return Result{"samples": X.Size(0), "features": X.Size(1), "components": 50, "fit_s": s, "data_load_s": loadS,
		"explained_variance_ratio_sum": ratio, "repeats": o.Repeat}, nil
}

func dbscanBench(o Options) (Result, error) {
	const n = 20000
	X := BlobData(n, o.Seed)
	var db *cluster.DBSCAN
	s, err := timeFits(o.Repeat, func() error {
		db = cluster.NewDBSCAN()
		db.Eps, db.MinSamples = 0.3, 5
		return db.Fit(X)
	})
	if err != nil {
		return nil, err
	}
	clusters, noise := 0, 0
	for _, l := range db.Labels.Int64s() {
		clusters = max(clusters, int(l)+1)
		if l < 0 {
			noise++
		}
	}
	return Result{"samples": n, "features": 2, "eps": 0.3, "min_samples": 5, "fit_s": s, "n_clusters": clusters,
		"n_noise": noise, "n_core": db.CoreSampleIndices.Size(0), "repeats": o.Repeat}, nil
}
