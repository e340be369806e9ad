// Package synth generates the synthetic datasets of scikit-learn (make_circles, make_moons,
// make_blobs, make_classification, make_regression) and of TensorFlow Playground (circle,
// xor, gauss, spiral, plane, multi-gaussian), all seeded.
//
// Classification generators return X as float32 [n, features] and y as int64 class labels
// [n]; regression generators return y as float32 [n]. The same seed always gives the same
// data (the numbers differ from NumPy's, whose generator Ember does not reproduce).
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ember-ml/ember/tensor"
)

// Option configures a generator.
type Option func(*config)

type config struct {
	noise      float64
	seed       uint64
	factor     float64
	noShuffle  bool
	centers    [][]float64
	nCenters   int
	clusterStd float64
	features   int
	classes    int
	classSep   float64
}

func build(opts []Option) config {
	c := config{factor: 0.8, clusterStd: 1, features: 2, classes: 2, nCenters: 3, classSep: 1}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Noise sets the noise level: the standard deviation of Gaussian noise for the scikit-learn
// generators, and the playground's noise fraction (0…0.5) for its generators.
func Noise(v float64) Option { return func(c *config) { c.noise = v } }

// Seed sets the random seed.
func Seed(s uint64) Option { return func(c *config) { c.seed = s } }

// Factor sets the inner circle's radius relative to the outer one (Circles; default 0.8).
func Factor(f float64) Option { return func(c *config) { c.factor = f } }

// NoShuffle keeps samples ordered by class.
func NoShuffle() Option { return func(c *config) { c.noShuffle = true } }

// Centers gives Blobs explicit cluster centres.
func Centers(centers [][]float64) Option { return func(c *config) { c.centers = centers } }

// NumCenters sets how many random centres Blobs draws (default 3).
func NumCenters(k int) Option { return func(c *config) { c.nCenters = k } }

// ClusterStd sets the standard deviation of Blobs' clusters (default 1).
func ClusterStd(s float64) Option { return func(c *config) { c.clusterStd = s } }

// Features sets the number of features (Blobs, Classification, Regression; default 2).
func Features(n int) Option { return func(c *config) { c.features = n } }

// Classes sets the number of classes of Classification (default 2).
func Classes(n int) Option { return func(c *config) { c.classes = n } }

// ClassSep sets the distance scale between Classification's class centres (default 1).
func ClassSep(s float64) Option { return func(c *config) { c.classSep = s } }

func rng(c config) *rand.Rand { return tensor.NewGenerator(c.seed).Rand() }

func checkN(name string, n int) {
	if n <= 0 {
		panic(fmt.Sprintf("synth: %s: the number of samples must be positive, got %d", name, n))
	}
}

// pack builds the tensors, shuffling rows unless disabled.
func pack(r *rand.Rand, c config, xs [][]float64, ys []int64) (*tensor.Tensor, *tensor.Tensor) {
	n := len(xs)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if !c.noShuffle {
		order = r.Perm(n)
	}
	f := len(xs[0])
	flat := make([]float32, 0, n*f)
	labels := make([]int64, n)
	for k, i := range order {
		for _, v := range xs[i] {
			flat = append(flat, float32(v))
		}
		labels[k] = ys[i]
	}
	return tensor.FromSlice(flat, n, f), tensor.FromSlice(labels, n)
}

// addNoise adds N(0, std²) to every coordinate.
func addNoise(r *rand.Rand, xs [][]float64, std float64) {
	if std == 0 {
		return
	}
	for _, p := range xs {
		for j := range p {
			p[j] += std * r.NormFloat64()
		}
	}
}

// Circles returns a large circle (label 0, n/2 points) containing a smaller one (label 1, the
// rest), like make_circles: points evenly spaced in angle, shuffled, then Gaussian noise.
func Circles(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("circles", n)
	c := build(opts)
	if c.factor < 0 || c.factor >= 1 {
		panic(fmt.Sprintf("synth: circles: factor has to be between 0 and 1, got %g", c.factor))
	}
	r := rng(c)
	nOut := n / 2
	nIn := n - nOut
	var xs [][]float64
	var ys []int64
	for i := range nOut {
		t := 2 * math.Pi * float64(i) / float64(nOut)
		xs = append(xs, []float64{math.Cos(t), math.Sin(t)})
		ys = append(ys, 0)
	}
	for i := range nIn {
		t := 2 * math.Pi * float64(i) / float64(nIn)
		xs = append(xs, []float64{c.factor * math.Cos(t), c.factor * math.Sin(t)})
		ys = append(ys, 1)
	}
	return noisyPack(r, c, xs, ys)
}

// noisyPack shuffles, then adds noise, as scikit-learn does.
func noisyPack(r *rand.Rand, c config, xs [][]float64, ys []int64) (*tensor.Tensor, *tensor.Tensor) {
	if !c.noShuffle {
		perm := r.Perm(len(xs))
		sx, sy := make([][]float64, len(xs)), make([]int64, len(xs))
		for k, i := range perm {
			sx[k], sy[k] = xs[i], ys[i]
		}
		xs, ys = sx, sy
	}
	addNoise(r, xs, c.noise)
	c.noShuffle = true
	return pack(r, c, xs, ys)
}

// Moons returns two interleaving half circles, like make_moons (label 0: n/2 points).
func Moons(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("moons", n)
	c := build(opts)
	r := rng(c)
	nOut := n / 2
	nIn := n - nOut
	var xs [][]float64
	var ys []int64
	lin := func(i, m int) float64 {
		if m == 1 {
			return 0
		}
		return math.Pi * float64(i) / float64(m-1)
	}
	for i := range nOut {
		t := lin(i, nOut)
		xs = append(xs, []float64{math.Cos(t), math.Sin(t)})
		ys = append(ys, 0)
	}
	for i := range nIn {
		t := lin(i, nIn)
		xs = append(xs, []float64{1 - math.Cos(t), 1 - math.Sin(t) - 0.5})
		ys = append(ys, 1)
	}
	return noisyPack(r, c, xs, ys)
}

// Blobs returns isotropic Gaussian clusters, like make_blobs: NumCenters random centres in
// [-10, 10]^features (or explicit Centers), n split as evenly as possible (the first centres
// get the remainder), each cluster with standard deviation ClusterStd. Labels are the cluster
// indices.
func Blobs(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("blobs", n)
	c := build(opts)
	r := rng(c)
	centers := c.centers
	if centers == nil {
		if c.nCenters <= 0 {
			panic(fmt.Sprintf("synth: blobs: number of centres must be positive, got %d", c.nCenters))
		}
		for range c.nCenters {
			p := make([]float64, c.features)
			for j := range p {
				p[j] = -10 + 20*r.Float64()
			}
			centers = append(centers, p)
		}
	}
	k := len(centers)
	var xs [][]float64
	var ys []int64
	for ci, ctr := range centers {
		m := n / k
		if ci < n%k {
			m++
		}
		for range m {
			p := make([]float64, len(ctr))
			for j := range p {
				p[j] = ctr[j] + c.clusterStd*r.NormFloat64()
			}
			xs = append(xs, p)
			ys = append(ys, int64(ci))
		}
	}
	return pack(r, c, xs, ys)
}

// Classification returns Gaussian clusters, one per class, centred on distinct vertices of
// a hypercube with side 2·ClassSep and sheared by a random linear map — the core of
// make_classification with every feature informative.
func Classification(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("classification", n)
	c := build(opts)
	if c.classes < 2 || c.classes > 1<<min(c.features, 20) {
		panic(fmt.Sprintf("synth: classification: %d classes need between 2 and 2^features (features %d)", c.classes, c.features))
	}
	r := rng(c)
	perm := r.Perm(1 << min(c.features, 20))
	var xs [][]float64
	var ys []int64
	for k := range c.classes {
		vertex := perm[k]
		A := make([][]float64, c.features)
		for i := range A {
			A[i] = make([]float64, c.features)
			for j := range A[i] {
				A[i][j] = 2*r.Float64() - 1
			}
		}
		m := n / c.classes
		if k < n%c.classes {
			m++
		}
		for range m {
			z := make([]float64, c.features)
			for j := range z {
				z[j] = r.NormFloat64()
			}
			p := make([]float64, c.features)
			for j := range p {
				for i := range z {
					p[j] += z[i] * A[i][j]
				}
				sign := -1.0
				if vertex>>(j%20)&1 == 1 {
					sign = 1
				}
				p[j] += sign * c.classSep
			}
			xs = append(xs, p)
			ys = append(ys, int64(k))
		}
	}
	return pack(r, c, xs, ys)
}

// Regression returns X ~ N(0, 1) with Features columns and y = X·w + N(0, noise²), where the
// weights w are drawn from U(0, 100) as in make_regression.
func Regression(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("regression", n)
	c := build(opts)
	r := rng(c)
	w := make([]float64, c.features)
	for j := range w {
		w[j] = 100 * r.Float64()
	}
	xs := make([]float32, 0, n*c.features)
	ys := make([]float32, n)
	for i := range n {
		t := 0.0
		for j := range c.features {
			v := r.NormFloat64()
			xs = append(xs, float32(v))
			t += v * w[j]
		}
		ys[i] = float32(t + c.noise*r.NormFloat64())
	}
	return tensor.FromSlice(xs, n, c.features), tensor.FromSlice(ys, n)
}
