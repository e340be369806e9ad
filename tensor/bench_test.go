package tensor_test

import (
	"testing"

	"github.com/ember-ml/ember/tensor"
)

func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{64, 256} {
		g := tensor.NewGenerator(1)
		x, y := tensor.Randn(g, n, n), tensor.Randn(g, n, n)
		b.Run(itoa(n), func(b *testing.B) {
			for b.Loop() {
				x.MatMul(y)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func BenchmarkAddSmall(b *testing.B) {
	x, y := tensor.Ones(32, 10), tensor.Ones(10)
	b.ReportAllocs()
	for b.Loop() {
		x.Add(y)
	}
}
