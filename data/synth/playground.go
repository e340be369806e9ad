package synth

import (
	"math"
	"math/rand/v2"

	"github.com/ember-ml/ember/tensor"
)

// The TensorFlow Playground datasets. Points lie in [-6, 6]²; the noise option is the
// playground's noise fraction (0…0.5). The playground's labels +1 and -1 become 1 and 0.

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func playgroundPack(xs [][]float64, ys []int64) (*tensor.Tensor, *tensor.Tensor) {
	return pack(nil, config{noShuffle: true}, xs, ys)
}

// XOR returns points in the four quadrants labelled 1 where x·y ≥ 0 (after noise).
func XOR(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("xor", n)
	c := build(opts)
	r := rng(c)
	const padding = 0.3
	var xs [][]float64
	var ys []int64
	for range n {
		px, py := uniform(r, -5, 5), uniform(r, -5, 5)
		px += math.Copysign(padding, px)
		py += math.Copysign(padding, py)
		nx, ny := uniform(r, -5, 5)*c.noise, uniform(r, -5, 5)*c.noise
		label := int64(0)
		if (px+nx)*(py+ny) >= 0 {
			label = 1
		}
		xs = append(xs, []float64{px, py})
		ys = append(ys, label)
	}
	return playgroundPack(xs, ys)
}

// Gauss returns two Gaussian clusters at (2, 2) (label 1) and (-2, -2) (label 0) whose
// variance grows with the noise from 0.5 to 4.
func Gauss(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("gauss", n)
	c := build(opts)
	r := rng(c)
	variance := 0.5 + 3.5*c.noise/0.5
	sd := math.Sqrt(variance)
	var xs [][]float64
	var ys []int64
	for i := range n {
		cx, label := 2.0, int64(1)
		if i >= n/2 {
			cx, label = -2, 0
		}
		xs = append(xs, []float64{cx + sd*r.NormFloat64(), cx + sd*r.NormFloat64()})
		ys = append(ys, label)
	}
	return playgroundPack(xs, ys)
}

// Spiral returns two interleaved spirals (labels 1 and 0) with uniform noise.
func Spiral(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("spiral", n)
	c := build(opts)
	r := rng(c)
	half := n / 2
	var xs [][]float64
	var ys []int64
	arm := func(m int, delta float64, label int64) {
		for i := range m {
			rad := float64(i) / float64(m) * 5
			t := 1.75 * float64(i) / float64(m) * 2 * math.Pi
			t += delta
			xs = append(xs, []float64{rad*math.Sin(t) + uniform(r, -1, 1)*c.noise, rad*math.Cos(t) + uniform(r, -1, 1)*c.noise})
			ys = append(ys, label)
		}
	}
	arm(half, 0, 1)
	arm(n-half, math.Pi, 0)
	return playgroundPack(xs, ys)
}

// Circle returns the playground's circle set: points within radius 2.5 of the origin (label
// 1) and in the ring from 3.5 to 5 (label 0), labelled after noise by the 2.5 boundary.
func Circle(n int, opts ...Option) (X, y *tensor.Tensor) {
	checkN("circle", n)
	c := build(opts)
	r := rng(c)
	const radius = 5.0
	var xs [][]float64
	var ys []int64
	gen := func(m int, lo, hi float64) {
		for range m {
			rad := uniform(r, lo, hi)
			angle := uniform(r, 0, 2*math.Pi)
			px, py := rad*math.Sin(angle), rad*math.Cos(angle)
			nx, ny := uniform(r, -radius, radius)*c.noise, uniform(r, -radius, radius)*c.noise
			label := int64(0)
			if math.Hypot(px+nx, py+ny) < radius*0.5 {
				label = 1
			}
			xs = append(xs, []float64{px, py})
			ys = append(ys, label)
		}
	}
	gen(n/2, 0, radius*0.5)
	gen(n-n/2, radius*0.7, radius)
	return playgroundPack(xs, ys)
}

// Plane returns the playground's plane regression set: y = (x₁ + x₂)/10 for points
// uniform in [-6, 6]², with the noise applied to the inputs of the label.
func Plane(n int, opts ...Option) (X, y *tensor.Tensor) {
	return playgroundRegression("plane", n, opts, func(x1, x2 float64) float64 { return (x1 + x2) / 10 })
}

// MultiGauss returns the playground's regression set of six signed Gaussian bumps.
func MultiGauss(n int, opts ...Option) (X, y *tensor.Tensor) {
	bumps := [][3]float64{{-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1}, {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}}
	return playgroundRegression("multigauss", n, opts, func(x1, x2 float64) float64 {
		label := 0.0
		for _, b := range bumps {
			d := math.Hypot(x1-b[0], x2-b[1])
			v := b[2] * math.Max(0, math.Min(1, 1-d/2))
			if math.Abs(v) > math.Abs(label) {
				label = v
			}
		}
		return label
	})
}

func playgroundRegression(name string, n int, opts []Option, f func(x1, x2 float64) float64) (*tensor.Tensor, *tensor.Tensor) {
	checkN(name, n)
	c := build(opts)
	r := rng(c)
	const radius = 6.0
	xs := make([]float32, 0, 2*n)
	ys := make([]float32, n)
	for i := range n {
		px, py := uniform(r, -radius, radius), uniform(r, -radius, radius)
		nx, ny := uniform(r, -radius, radius)*c.noise, uniform(r, -radius, radius)*c.noise
		xs = append(xs, float32(px), float32(py))
		ys[i] = float32(f(px+nx, py+ny))
	}
	return tensor.FromSlice(xs, n, 2), tensor.FromSlice(ys, n)
}

// Task says whether a dataset is for classification or regression.
type Task string

// The tasks.
const (
	TaskClassification Task = "classification"
	TaskRegression     Task = "regression"
)

// Names lists the generators ByName knows.
var Names = []string{"circles", "moons", "blobs", "classification", "xor", "gauss", "spiral", "circle", "regression", "plane", "multigauss"}

// ByName runs the named generator (see Names) and reports its task. The noise is passed on as
// Noise; blobs get 3 centres.
func ByName(name string, n int, noise float64, seed uint64) (X, y *tensor.Tensor, task Task, ok bool) {
	opts := []Option{Noise(noise), Seed(seed)}
	task = TaskClassification
	switch name {
	case "circles":
		X, y = Circles(n, opts...)
	case "moons":
		X, y = Moons(n, opts...)
	case "blobs":
		X, y = Blobs(n, Seed(seed), ClusterStd(1+noise))
	case "classification":
		X, y = Classification(n, opts...)
	case "xor":
		X, y = XOR(n, opts...)
	case "gauss":
		X, y = Gauss(n, opts...)
	case "spiral":
		X, y = Spiral(n, opts...)
	case "circle":
		X, y = Circle(n, opts...)
	case "regression":
		X, y = Regression(n, opts...)
		task = TaskRegression
	case "plane":
		X, y = Plane(n, opts...)
		task = TaskRegression
	case "multigauss":
		X, y = MultiGauss(n, opts...)
		task = TaskRegression
	default:
		return nil, nil, "", false
	}
	return X, y, task, true
}
