policytest {
  targets = ["no-public-ip.policy.hcl"]
}

resource "aws_instance" "public" {
  expect_failure = true
  attrs          = { associate_public_ip_address = true }
}

resource "aws_instance" "private" {
  attrs = { associate_public_ip_address = false }
}

resource "aws_launch_template" "public_interface" {
  expect_failure = true
  attrs          = { network_interfaces = [{ device_index = 0, associate_public_ip_address = "true" }] }
}

resource "aws_launch_template" "private_interface" {
  attrs = { network_interfaces = [{ device_index = 0, associate_public_ip_address = "false" }] }
}

resource "aws_launch_template" "no_interfaces" {
  attrs = { network_interfaces = [] }
}

resource "aws_subnet" "public" {
  expect_failure = true
  attrs          = { cidr_block = "10.0.0.0/24", map_public_ip_on_launch = true }
}

resource "aws_subnet" "private" {
  attrs = { cidr_block = "10.0.10.0/24", map_public_ip_on_launch = false }
}

resource "aws_launch_configuration" "public" {
  expect_failure = true
  attrs          = { associate_public_ip_address = true }
}

resource "aws_launch_configuration" "private" {
  attrs = { associate_public_ip_address = false }
}

resource "aws_launch_configuration" "unset" {
  attrs = { associate_public_ip_address = null }
}
