package ensemble_test

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/tensor"
)

// The benchmarks fit 100,000 samples with 20 features on one goroutine; compare
// scikit-learn on the same shape with n_jobs=1 and one OpenMP thread (threadpoolctl):
// RandomForestClassifier(), HistGradientBoostingClassifier(early_stopping=False) on
// make_classification(100000, 20, n_informative=20, n_redundant=0), DecisionTreeClassifier().

const benchN, benchD = 100_000, 20

// BenchmarkDecisionTree grows one unlimited tree, reporting samples per second.
func BenchmarkDecisionTree(b *testing.B) {
	X, y := synth.Classification(benchN, synth.Features(benchD), synth.Seed(1))
	for b.Loop() {
		if err := ensemble.NewDecisionTreeClassifier().Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN*b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkRandomForest grows 100 trees with NJobs 1.
func BenchmarkRandomForest(b *testing.B) {
	X, y := synth.Classification(benchN, synth.Features(benchD), synth.Seed(1))
	for b.Loop() {
		if err := ensemble.NewRandomForestClassifier().Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistGradientBoosting runs 100 boosting iterations without early stopping.
func BenchmarkHistGradientBoosting(b *testing.B) {
	X, y := synth.Classification(benchN, synth.Features(benchD), synth.Seed(1))
	for b.Loop() {
		m := ensemble.NewHistGradientBoostingClassifier()
		m.EarlyStopping = "off"
		if err := m.Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
}

// briefData is the `ember bench forest|hgb` workload: float32 X uniform in [0, 1),
// y = (x0 + x1 + x2·x3 − x4 > 1) XOR (10% noise).
func briefData(n int) (*tensor.Tensor, *tensor.Tensor) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*benchD)
	y := make([]int64, n)
	for i := range n {
		row := x[i*benchD : (i+1)*benchD]
		for j := range row {
			row[j] = r.Float32()
		}
		if row[0]+row[1]+row[2]*row[3]-row[4] > 1 != (r.Float64() < 0.1) {
			y[i] = 1
		}
	}
	return tensor.FromSlice(x, n, benchD), tensor.FromSlice(y, n)
}

// cpuSeconds returns the process's user and system CPU time: on a busy machine it is a
// steadier measure of one-goroutine work than the wall clock.
func cpuSeconds() float64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

// BenchmarkForestWorkload grows 10 default trees on the `ember bench forest` data with
// NJobs = GOMAXPROCS (-cpu 1,2), a tenth of the benchmark's 100 trees.
func BenchmarkForestWorkload(b *testing.B) {
	X, y := briefData(benchN)
	cpu := cpuSeconds()
	for b.Loop() {
		f := ensemble.NewRandomForestClassifier()
		f.NEstimators, f.NJobs = 10, runtime.GOMAXPROCS(0)
		if err := f.Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkHGBWorkload is `ember bench hgb`: 100 iterations, early stopping off.
func BenchmarkHGBWorkload(b *testing.B) {
	X, y := briefData(benchN)
	cpu := cpuSeconds()
	for b.Loop() {
		m := ensemble.NewHistGradientBoostingClassifier()
		m.EarlyStopping = "off"
		if err := m.Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}
