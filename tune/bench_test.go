package tune_test

import (
	"testing"

	"github.com/ember-ml/ember/tune"
)

// BenchmarkStudy measures the sampler's own cost: a 100-trial study of a 4-D quadratic, whose
// objective takes nanoseconds, so the time is sampling (TPE's Parzen estimators grow with the
// history) and bookkeeping.
func BenchmarkStudy(b *testing.B) {
	for _, c := range []struct {
		name    string
		sampler tune.Sampler
	}{{"random", tune.Random{}}, {"tpe", tune.TPE{}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s := &tune.Study{Space: cube(), Sampler: c.sampler, Seed: 1}
				if err := s.Optimize(quadratic, 100); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/100, "µs/trial")
		})
	}
}
