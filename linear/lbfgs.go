package linear

import "math"

// lbfgs minimises a smooth function f (eval returns f(x) and writes ∇f(x) to g) from x0
// by limited-memory BFGS with m corrections and a backtracking (Armijo) line search. It
// stops when max|∇f| ≤ gtol, when f falls by ≤ ftol·max(|f|, |f_prev|, 1) in an iteration
// (scipy L-BFGS-B's tests), when no step decreases f, or after maxIter iterations. It
// returns the final point and the iterations run.
func lbfgs(eval func(x, g []float64) float64, x0 []float64, m, maxIter int, gtol, ftol float64) ([]float64, int) {
	n := len(x0)
	x, g := append([]float64(nil), x0...), make([]float64, n)
	f := eval(x, g)
	var ss, ys [][]float64
	var rhos []float64
	xNew, gNew, dir := make([]float64, n), make([]float64, n), make([]float64, n)
	for it := range maxIter {
		if maxAbs(g) <= gtol {
			return x, it
		}
		direction(dir, g, ss, ys, rhos)
		slope := vdot(dir, g)
		if slope >= 0 { // not a descent direction: restart from steepest descent
			ss, ys, rhos = nil, nil, nil
			direction(dir, g, nil, nil, nil)
			slope = vdot(dir, g)
		}
		step := 1.0
		if len(ss) == 0 {
			step = min(1, 1/math.Sqrt(vdot(g, g)))
		}
		fNew, ok := 0.0, false
		for range 60 {
			for i := range x {
				xNew[i] = x[i] + step*dir[i]
			}
			if fNew = eval(xNew, gNew); fNew <= f+1e-4*step*slope {
				ok = true
				break
			}
			step /= 2
		}
		if !ok {
			return x, it + 1
		}
		s, y := make([]float64, n), make([]float64, n)
		for i := range x {
			s[i], y[i] = xNew[i]-x[i], gNew[i]-g[i]
		}
		if sy := vdot(s, y); sy > 1e-12*math.Sqrt(vdot(s, s)*vdot(y, y)) {
			if len(ss) == m {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		reduced := f - fNew
		copy(x, xNew)
		copy(g, gNew)
		fPrev := f
		f = fNew
		if reduced <= ftol*max(math.Abs(fPrev), math.Abs(f), 1) {
			return x, it + 1
		}
	}
	return x, maxIter
}

// direction writes −H·g to dir, H the L-BFGS inverse-Hessian estimate (two-loop recursion).
func direction(dir, g []float64, ss, ys [][]float64, rhos []float64) {
	for i := range g {
		dir[i] = -g[i]
	}
	alpha := make([]float64, len(ss))
	for k := len(ss) - 1; k >= 0; k-- {
		alpha[k] = rhos[k] * vdot(ss[k], dir)
		axpy(-alpha[k], ys[k], dir)
	}
	if k := len(ss) - 1; k >= 0 {
		gamma := vdot(ss[k], ys[k]) / vdot(ys[k], ys[k])
		for i := range dir {
			dir[i] *= gamma
		}
	}
	for k := range ss {
		beta := rhos[k] * vdot(ys[k], dir)
		axpy(alpha[k]-beta, ss[k], dir)
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
