// Command cocktail is the cocktail-party problem of the course (and of scikit-learn's "Blind
// source separation using FastICA" example): three sources — a sine, a square wave and a
// sawtooth, 2,000 samples over 8 seconds, with a little Gaussian noise — are mixed by the
// matrix [[1 1 1] [0.5 2 1] [1.5 1 2]] into three "microphones". FastICA recovers each source
// up to sign and scale; PCA, which only decorrelates, does not.
//
// For every original source it prints the largest |correlation| with a recovered one. It
// should reach at least 0.99 for every source with FastICA (seed 0 gives 0.9955, 0.9993 and
// 0.9960), while PCA's best matches stay well below (0.6882, 0.8031 and 0.7317). Its test
// runs it at full length in well under a second.
//
//	go run ./examples/cocktail
package main

import (
	"fmt"
	"log"
	"math"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

// Mix returns the sources S [2000, 3] and the observed mixtures X = S·Aᵀ.
func Mix(seed uint64) (S, X *tensor.Tensor) {
	const n = 2000
	r := tensor.NewGenerator(seed).Rand()
	src := make([][]float64, n)
	for i := range src {
		t := 8 * float64(i) / (n - 1)
		square := 1.0
		if math.Sin(3*t) < 0 {
			square = -1
		}
		saw := 2*(t-math.Floor(t)) - 1 // signal.sawtooth(2πt)
		src[i] = []float64{math.Sin(2 * t), square, saw}
		for j := range src[i] {
			src[i][j] += 0.2 * r.NormFloat64()
		}
	}
	S = tensor.FromRows(src)
	A := tensor.FromRows([][]float64{{1, 1, 1}, {0.5, 2, 1}, {1.5, 1, 2}})
	return S, S.MatMul(A.Transpose(0, 1))
}

// BestCorrelations returns, for each column of S, the largest |Pearson correlation| with any
// column of R.
func BestCorrelations(S, R *tensor.Tensor) []float64 {
	best := make([]float64, S.Size(1))
	for i := range best {
		for j := range R.Size(1) {
			best[i] = math.Max(best[i], math.Abs(pearson(S.Select(1, i).Float64s(), R.Select(1, j).Float64s())))
		}
	}
	return best
}

func pearson(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// Separate unmixes X with FastICA and with PCA and returns each one's best correlations with S.
func Separate(S, X *tensor.Tensor) (ica, pca []float64, err error) {
	icaSources, err := decomp.NewFastICA(3).FitTransform(X)
	if err != nil {
		return nil, nil, err
	}
	pcaSources, err := decomp.NewPCA(3).FitTransform(X)
	if err != nil {
		return nil, nil, err
	}
	return BestCorrelations(S, icaSources), BestCorrelations(S, pcaSources), nil
}

func main() {
	S, X := Mix(0)
	ica, pca, err := Separate(S, X)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("source    FastICA  PCA")
	for i, name := range []string{"sine", "square", "sawtooth"} {
		fmt.Printf("%-8s  %.4f   %.4f\n", name, ica[i], pca[i])
	}
}
