// Package ember is a deep-learning framework for Go with PyTorch's semantics and
// scikit-learn's metrics: tensors with automatic differentiation (package tensor), layers and
// losses (nn), optimizers (optim), data loading (data), metrics (metrics) and a fit loop
// (train). See README.md for the course program translated line by line.
package ember
