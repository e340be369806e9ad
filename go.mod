module github.com/ember-ml/ember

go 1.26
