package ensemble_test

import (
	"testing"

	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/ensemble"
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
