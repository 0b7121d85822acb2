// Package quota holds the AWS service quotas lambdagate applies, each
// defined once: the Lambda function, the local gateway and the local
// Lambda service (package lambdaservice) all read them from here.
package quota
