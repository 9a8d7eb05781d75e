// Stands in for mime-db (134 KB of JSON) in the Lambda bundles. axios and @slack/web-api pull it
// in through form-data, to guess the content type of uploaded files; lifeboat uploads no files
// and sets every content type itself. With this, a lookup finds nothing and form-data falls back
// to application/octet-stream.
module.exports = {};
