package svm

import (
	"math"
	"math/rand/v2"
)

// binaryProbability is libsvm's svm_binary_svc_probability: decision values from 5-fold
// cross-validation (folds from a seeded shuffle), then Platt's sigmoid fitted to them.
// ys is ±1; a positive decision value favours +1.
func binaryProbability(ks kernelSpec, x []float64, d int, ys []float64, C, tol, cacheMB float64, shrinking bool, maxIter int, seed uint64) (float64, float64) {
	const folds = 5
	l := len(ys)
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	perm := make([]int, l)
	for i := range perm {
		perm[i] = i
	}
	for i := range l {
		j := i + r.IntN(l-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	dec := make([]float64, l)
	for f := range folds {
		begin, end := f*l/folds, (f+1)*l/folds
		var sx []float64
		var sy []float64
		np, nn := 0, 0
		for k, t := range perm {
			if k >= begin && k < end {
				continue
			}
			sx = append(sx, x[t*d:(t+1)*d]...)
			sy = append(sy, ys[t])
			if ys[t] > 0 {
				np++
			} else {
				nn++
			}
		}
		switch {
		case np == 0 && nn == 0:
			for _, t := range perm[begin:end] {
				dec[t] = 0
			}
		case nn == 0:
			for _, t := range perm[begin:end] {
				dec[t] = 1
			}
		case np == 0:
			for _, t := range perm[begin:end] {
				dec[t] = -1
			}
		default:
			alpha, rho, _ := binaryFit(ks, sx, d, sy, C, C, tol, cacheMB, shrinking, maxIter)
			for _, t := range perm[begin:end] {
				xt := x[t*d : (t+1)*d]
				v := -rho
				for k, a := range alpha {
					if a != 0 {
						v += a * sy[k] * ks.eval(xt, sx[k*d:(k+1)*d])
					}
				}
				dec[t] = v
			}
		}
	}
	return sigmoidTrain(dec, ys)
}

// sigmoidTrain fits P(y=1|f) = 1/(1+exp(A·f+B)) to decision values f and labels (> 0 is
// positive) by Platt's method with Lin, Lin & Weng's (2007) Newton iteration and
// backtracking line search, exactly as libsvm's sigmoid_train.
func sigmoidTrain(dec, labels []float64) (A, B float64) {
	var prior1, prior0 float64
	for _, y := range labels {
		if y > 0 {
			prior1++
		} else {
			prior0++
		}
	}
	const (
		maxIter = 100
		minStep = 1e-10
		sigma   = 1e-12
		eps     = 1e-5
	)
	hi, lo := (prior1+1)/(prior1+2), 1/(prior0+2)
	t := make([]float64, len(dec))
	for i, y := range labels {
		t[i] = lo
		if y > 0 {
			t[i] = hi
		}
	}
	obj := func(a, b float64) float64 {
		var f float64
		for i, v := range dec {
			fApB := v*a + b
			if fApB >= 0 {
				f += t[i]*fApB + math.Log(1+math.Exp(-fApB))
			} else {
				f += (t[i]-1)*fApB + math.Log(1+math.Exp(fApB))
			}
		}
		return f
	}
	A, B = 0, math.Log((prior0+1)/(prior1+1))
	fval := obj(A, B)
	for range maxIter {
		h11, h22, h21, g1, g2 := sigma, sigma, 0.0, 0.0, 0.0
		for i, v := range dec {
			fApB := v*A + B
			var p, q float64
			if fApB >= 0 {
				e := math.Exp(-fApB)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(fApB)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			h11 += v * v * d2
			h22 += d2
			h21 += v * d2
			d1 := t[i] - p
			g1 += v * d1
			g2 += d1
		}
		if math.Abs(g1) < eps && math.Abs(g2) < eps {
			break
		}
		det := h11*h22 - h21*h21
		dA := -(h22*g1 - h21*g2) / det
		dB := -(-h21*g1 + h11*g2) / det
		gd := g1*dA + g2*dB
		step := 1.0
		for step >= minStep {
			nA, nB := A+step*dA, B+step*dB
			if nf := obj(nA, nB); nf < fval+0.0001*step*gd {
				A, B, fval = nA, nB, nf
				break
			}
			step /= 2
		}
		if step < minStep { // line search failed
			break
		}
	}
	return A, B
}

// sigmoidPredict is libsvm's 1/(1+exp(A·f+B)), computed without overflow.
func sigmoidPredict(f, A, B float64) float64 {
	fApB := f*A + B
	if fApB >= 0 {
		return math.Exp(-fApB) / (1 + math.Exp(-fApB))
	}
	return 1 / (1 + math.Exp(fApB))
}

// multiclassProbability couples pairwise probabilities r[i][j] ≈ P(i | i or j) into class
// probabilities p (Wu, Lin & Weng 2004, method 2, as libsvm's multiclass_probability);
// for two classes p is r's first row.
func multiclassProbability(r [][]float64, p []float64) {
	k := len(p)
	if k == 2 {
		p[0], p[1] = r[0][1], r[1][0]
		return
	}
	maxIter := max(100, k)
	eps := 0.005 / float64(k)
	Q := make([][]float64, k)
	for t := range Q {
		Q[t] = make([]float64, k)
	}
	Qp := make([]float64, k)
	for t := range k {
		p[t] = 1 / float64(k)
		Q[t][t] = 0
		for j := range t {
			Q[t][t] += r[j][t] * r[j][t]
			Q[t][j] = Q[j][t]
		}
		for j := t + 1; j < k; j++ {
			Q[t][t] += r[j][t] * r[j][t]
			Q[t][j] = -r[j][t] * r[t][j]
		}
	}
	for range maxIter {
		var pQp float64
		for t := range k {
			Qp[t] = 0
			for j := range k {
				Qp[t] += Q[t][j] * p[j]
			}
			pQp += p[t] * Qp[t]
		}
		maxErr := 0.0
		for t := range k {
			maxErr = max(maxErr, math.Abs(Qp[t]-pQp))
		}
		if maxErr < eps {
			break
		}
		for t := range k {
			diff := (-Qp[t] + pQp) / Q[t][t]
			p[t] += diff
			pQp = (pQp + diff*(diff*Q[t][t]+2*Qp[t])) / (1 + diff) / (1 + diff)
			for j := range k {
				Qp[j] = (Qp[j] + diff*Q[t][j]) / (1 + diff)
				p[j] /= 1 + diff
			}
		}
	}
}
