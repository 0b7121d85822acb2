package nethttp

// internedName returns the canonical name (as http.CanonicalHeaderKey
// spells it) of the headers that clients and the gateways send most,
// given in canonical form, in lower case (HTTP APIs, ALB and function
// URLs lower-case every name) or as API Gateway spells it; it returns ""
// for other names. A switch on the name compiles to a search by length
// and then by value, several times faster than canonicalizing the name
// byte by byte, and the result is a constant, so it costs no allocation.
func internedName(k string) string {
	switch k {
	case "Accept", "accept":
		return "Accept"
	case "Accept-Charset", "accept-charset":
		return "Accept-Charset"
	case "Accept-Encoding", "accept-encoding":
		return "Accept-Encoding"
	case "Accept-Language", "accept-language":
		return "Accept-Language"
	case "Access-Control-Request-Headers", "access-control-request-headers":
		return "Access-Control-Request-Headers"
	case "Access-Control-Request-Method", "access-control-request-method":
		return "Access-Control-Request-Method"
	case "Authorization", "authorization":
		return "Authorization"
	case "Cache-Control", "cache-control":
		return "Cache-Control"
	case "Cloudfront-Forwarded-Proto", "cloudfront-forwarded-proto", "CloudFront-Forwarded-Proto":
		return "Cloudfront-Forwarded-Proto"
	case "Cloudfront-Is-Desktop-Viewer", "cloudfront-is-desktop-viewer", "CloudFront-Is-Desktop-Viewer":
		return "Cloudfront-Is-Desktop-Viewer"
	case "Cloudfront-Is-Mobile-Viewer", "cloudfront-is-mobile-viewer", "CloudFront-Is-Mobile-Viewer":
		return "Cloudfront-Is-Mobile-Viewer"
	case "Cloudfront-Is-Smarttv-Viewer", "cloudfront-is-smarttv-viewer", "CloudFront-Is-Smarttv-Viewer":
		return "Cloudfront-Is-Smarttv-Viewer"
	case "Cloudfront-Is-Tablet-Viewer", "cloudfront-is-tablet-viewer", "CloudFront-Is-Tablet-Viewer":
		return "Cloudfront-Is-Tablet-Viewer"
	case "Cloudfront-Viewer-Address", "cloudfront-viewer-address", "CloudFront-Viewer-Address":
		return "Cloudfront-Viewer-Address"
	case "Cloudfront-Viewer-Country", "cloudfront-viewer-country", "CloudFront-Viewer-Country":
		return "Cloudfront-Viewer-Country"
	case "Connection", "connection":
		return "Connection"
	case "Content-Encoding", "content-encoding":
		return "Content-Encoding"
	case "Content-Length", "content-length":
		return "Content-Length"
	case "Content-Md5", "content-md5":
		return "Content-Md5"
	case "Content-Type", "content-type":
		return "Content-Type"
	case "Cookie", "cookie":
		return "Cookie"
	case "Dnt", "dnt":
		return "Dnt"
	case "Expect", "expect":
		return "Expect"
	case "Forwarded", "forwarded":
		return "Forwarded"
	case "Host", "host":
		return "Host"
	case "If-Match", "if-match":
		return "If-Match"
	case "If-Modified-Since", "if-modified-since":
		return "If-Modified-Since"
	case "If-None-Match", "if-none-match":
		return "If-None-Match"
	case "If-Range", "if-range":
		return "If-Range"
	case "If-Unmodified-Since", "if-unmodified-since":
		return "If-Unmodified-Since"
	case "Origin", "origin":
		return "Origin"
	case "Pragma", "pragma":
		return "Pragma"
	case "Priority", "priority":
		return "Priority"
	case "Range", "range":
		return "Range"
	case "Referer", "referer":
		return "Referer"
	case "Sec-Ch-Ua", "sec-ch-ua":
		return "Sec-Ch-Ua"
	case "Sec-Ch-Ua-Mobile", "sec-ch-ua-mobile":
		return "Sec-Ch-Ua-Mobile"
	case "Sec-Ch-Ua-Platform", "sec-ch-ua-platform":
		return "Sec-Ch-Ua-Platform"
	case "Sec-Fetch-Dest", "sec-fetch-dest":
		return "Sec-Fetch-Dest"
	case "Sec-Fetch-Mode", "sec-fetch-mode":
		return "Sec-Fetch-Mode"
	case "Sec-Fetch-Site", "sec-fetch-site":
		return "Sec-Fetch-Site"
	case "Sec-Websocket-Extensions", "sec-websocket-extensions":
		return "Sec-Websocket-Extensions"
	case "Sec-Websocket-Key", "sec-websocket-key":
		return "Sec-Websocket-Key"
	case "Sec-Websocket-Version", "sec-websocket-version":
		return "Sec-Websocket-Version"
	case "Te", "te":
		return "Te"
	case "Upgrade-Insecure-Requests", "upgrade-insecure-requests":
		return "Upgrade-Insecure-Requests"
	case "User-Agent", "user-agent":
		return "User-Agent"
	case "Via", "via":
		return "Via"
	case "X-Amz-Cf-Id", "x-amz-cf-id":
		return "X-Amz-Cf-Id"
	case "X-Amz-Content-Sha256", "x-amz-content-sha256":
		return "X-Amz-Content-Sha256"
	case "X-Amz-Date", "x-amz-date":
		return "X-Amz-Date"
	case "X-Amz-Security-Token", "x-amz-security-token":
		return "X-Amz-Security-Token"
	case "X-Amzn-Trace-Id", "x-amzn-trace-id":
		return "X-Amzn-Trace-Id"
	case "X-Api-Key", "x-api-key":
		return "X-Api-Key"
	case "X-Forwarded-For", "x-forwarded-for":
		return "X-Forwarded-For"
	case "X-Forwarded-Port", "x-forwarded-port":
		return "X-Forwarded-Port"
	case "X-Forwarded-Proto", "x-forwarded-proto":
		return "X-Forwarded-Proto"
	case "X-Requested-With", "x-requested-with":
		return "X-Requested-With"
	}
	return ""
}
