param "maintenance_days" {
  value = [
    {
      day  = "wednesday"
      hour = 9
    },
    {
      day  = "friday"
      hour = 1
    },
  ]
}

test {
  rules = {
    main = [
      {
        day  = "wednesday"
        hour = 9
      },
    ]
  }
}
