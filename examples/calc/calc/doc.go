// Package calc is the Calc API of the API Gateway developer guide's
// tutorial, for the calc example command and for tools that serve it in
// process (the lambdagate command's built-in functions): the function
// ([Calc], [Function]), its REST API in Go ([API]) and the requests the
// example prints for a new user ([Tries]), with their answers.
package calc
